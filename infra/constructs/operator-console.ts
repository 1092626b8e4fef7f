import { join } from "node:path";
import { DockerImage, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { buildConsoleSync, CONSOLE_ROOT, writeConsole } from "../../console/build.js";
import { consoleCsp } from "../../src/config/console-csp.js";
import { acknowledgeNag, nagResourceId } from "../nag.js";

/** Props of {@link OperatorConsole}. */
export interface OperatorConsoleProps {
  readonly stage: string;
  /** The HTTP API: CloudFront forwards `/v1/*` to it, so the console calls its own origin. */
  readonly httpApi: apigwv2.IHttpApi;
}

/** What the console needs to sign agents in through Cognito's hosted UI (see `console/src/auth.ts`). */
export interface ConsoleSignIn {
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly domainUrl: string;
  readonly clientId: string;
}

/** Rewrites console deep links (`/console/cases/…`) to the single page; sends `/` to the console. */
const ROUTER_CODE = `function handler(event) {
  var uri = event.request.uri;
  if (uri === "/" || uri === "/console") {
    return { statusCode: 302, statusDescription: "Found", headers: { location: { value: "/console/" } } };
  }
  if (uri.indexOf("/console/") === 0 && uri.slice(uri.lastIndexOf("/") + 1).indexOf(".") === -1) {
    event.request.uri = "/console/index.html";
  }
  return event.request;
}`;

/**
 * The operator console on AWS (ADR 0011): its static files in a private S3 bucket that only this
 * CloudFront distribution can read (origin access control), served under `/console/` with a strict
 * CSP, and `/v1/*` forwarded to the HTTP API uncached, so the browser talks to one origin (no CORS,
 * `connect-src 'self'` plus Cognito for the sign-in).
 *
 * Call {@link signInWith} once the Cognito client exists: it uploads the build and `config.json`.
 */
export class OperatorConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`: the console is at `${url}/console/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OperatorConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, "Assets", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      // Build output only (recreated by every deploy): nothing to keep once the stack is gone.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.bucket,
      "AwsSolutions-S1",
      "Holds only the console's build output (public code, no data), written by the deployment and read only by CloudFront through origin access control; the operator API's access logs record every request agents make.",
    );

    const headers = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "Vigil console: strict CSP and security headers",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp([`https://*.auth.${stack.region}.amazoncognito.com`]),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });

    const router = new cloudfront.Function(this, "Router", {
      code: cloudfront.FunctionCode.fromInline(ROUTER_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: "Vigil console: deep links to the single page",
    });

    const apiDomain = `${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `Vigil ${props.stage} operator console`,
      defaultRootObject: "console/index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: router, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        "/v1/*": {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Operator answers are per agent and live: never cached; the bearer token reaches the API.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    acknowledgeNag(
      this.distribution,
      "AwsSolutions-CFR1",
      "Support agents may work from any country; access is decided by Cognito sign-in with mandatory TOTP, not by geography.",
    );
    acknowledgeNag(
      this.distribution,
      "AwsSolutions-CFR2",
      "The console is static files plus the operator API, which requires a Cognito JWT on every route and is throttled at its stage; attach a WAF web ACL (us-east-1) if the provider's policy asks for one.",
    );
    acknowledgeNag(
      this.distribution,
      "AwsSolutions-CFR3",
      "The HTTP API's access logs already record every operator request (route, status, operator); the static files are public code.",
    );
    acknowledgeNag(
      this.distribution,
      "AwsSolutions-CFR4",
      "The default *.cloudfront.net certificate cannot be pinned to TLS 1.2 by the distribution; browsers negotiate TLS 1.2+ with it. A custom domain with TLSv1.2_2021 is the provider's choice.",
    );
  }

  /**
   * Uploads the console (built by esbuild during synth, as Lambda bundles are) and its
   * `config.json` (Cognito hosted UI and client), and invalidates the cached copies.
   */
  signInWith(signIn: ConsoleSignIn): void {
    // Its own role (no AWS managed policy) and log group (a month), like every Vigil function.
    const logGroup = new logs.LogGroup(this, "DeployLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "DeployRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Uploads the operator console to its bucket and invalidates CloudFront (deploy time only)",
    });
    logGroup.grantWrite(role);
    new s3deploy.BucketDeployment(this, "Deploy", {
      role,
      logGroup,
      destinationBucket: this.bucket,
      destinationKeyPrefix: "console/",
      sources: [
        s3deploy.Source.asset(join(CONSOLE_ROOT), {
          exclude: ["dist", "node_modules"],
          bundling: {
            // Never pulled: local bundling (esbuild in this process) always succeeds, as for the functions.
            image: DockerImage.fromRegistry("public.ecr.aws/docker/library/node:20"),
            local: {
              tryBundle(outputDir: string) {
                writeConsole(buildConsoleSync(), outputDir);
                return true;
              },
            },
          },
        }),
        s3deploy.Source.jsonData("config.json", {
          mode: "cognito",
          domain: signIn.domainUrl,
          clientId: signIn.clientId,
          scopes: ["openid", "email", "profile"],
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ["/console/*"],
      prune: true,
      memoryLimit: 256,
    });
    const why =
      "CDK's BucketDeployment custom resource (a singleton Lambda managed by aws-cdk-lib): its runtime and the wildcards on the bucket's objects, the staged asset and CloudFront invalidations are CDK's grants; it runs only during deployments.";
    // The handler is a stack-level singleton (`Custom::CDKBucketDeployment…`), outside this construct; its
    // wildcard findings are granular: each action and resource of the role's policy is acknowledged by name.
    const stack = Stack.of(this);
    for (const singleton of stack.node.children.filter((child) =>
      child.node.id.startsWith("Custom::CDKBucketDeployment"),
    )) {
      acknowledgeNag(singleton, "AwsSolutions-L1", why);
    }
    const policy = role.node.tryFindChild("DefaultPolicy") as iam.Policy | undefined;
    const statements = (stack.resolve(policy?.document.toJSON())?.Statement ?? []) as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) {
        if (action.includes("*")) acknowledgeNag(role, `AwsSolutions-IAM5[Action::${action}]`, why);
      }
      for (const resource of [statement.Resource].flat()) {
        const rendered = nagResourceId(role, resource as string);
        if (rendered.includes("*")) acknowledgeNag(role, `AwsSolutions-IAM5[Resource::${rendered}]`, why);
      }
    }
  }
}
