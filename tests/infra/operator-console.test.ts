import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizeVigil } from "./fixtures.js";

describe("operator console (service stack)", () => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

  beforeAll(() => {
    const vigil = synthesizeVigil();
    template = vigil.serviceTemplate;
    resources = template.toJSON().Resources;
  });

  const consoleBucketId = () => {
    const [id] = Object.keys(template.findResources("AWS::S3::Bucket")).filter((key) =>
      key.startsWith("OperatorConsoleAssets"),
    );
    if (id === undefined) throw new Error("no console bucket");
    return id;
  };

  it("keeps the assets bucket private: all public access blocked, TLS only, owner-enforced", () => {
    // Prepare
    const id = consoleBucketId();

    // Act
    const bucket = resources[id]?.Properties as Record<string, unknown>;

    // Assess
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("lets only its CloudFront distribution read the bucket, through origin access control (no OAI)", () => {
    // Prepare
    const id = consoleBucketId();
    const policies = Object.values(template.findResources("AWS::S3::BucketPolicy")).filter(
      (policy) => (policy.Properties.Bucket as { Ref: string }).Ref === id,
    );
    const distributions = template.findResources("AWS::CloudFront::Distribution");
    const [distributionId] = Object.keys(distributions);

    // Act
    const allows = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).filter(
        (statement) => statement.Effect === "Allow",
      ),
    );
    const origins = (
      (Object.values(distributions)[0]?.Properties.DistributionConfig ?? {}) as {
        Origins: Array<{ S3OriginConfig?: { OriginAccessIdentity: string }; OriginAccessControlId?: unknown }>;
      }
    ).Origins;

    // Assess
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Principal).toEqual({ Service: "cloudfront.amazonaws.com" });
    expect(allows[0]?.Action).toBe("s3:GetObject");
    expect(JSON.stringify(allows[0]?.Condition)).toContain(distributionId);
    template.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      },
    });
    const s3Origins = origins.filter((origin) => origin.S3OriginConfig !== undefined);
    expect(s3Origins).toHaveLength(1);
    expect(s3Origins[0]?.OriginAccessControlId).toBeDefined();
    expect(s3Origins[0]?.S3OriginConfig?.OriginAccessIdentity).toBe("");
  });

  it("serves the console with a strict CSP (no inline script) and forwards /v1/* to the API uncached over HTTPS", () => {
    // Prepare
    const policy = Object.values(template.findResources("AWS::CloudFront::ResponseHeadersPolicy"))[0];
    const config = Object.values(template.findResources("AWS::CloudFront::Distribution"))[0]?.Properties
      .DistributionConfig as {
      DefaultCacheBehavior: { ViewerProtocolPolicy: string };
      CacheBehaviors: Array<{ PathPattern: string; CachePolicyId: string; ViewerProtocolPolicy: string }>;
    };

    // Act
    const csp = (
      (policy?.Properties.ResponseHeadersPolicyConfig ?? {}) as {
        SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string } };
      }
    ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    const api = config.CacheBehaviors.find((behavior) => behavior.PathPattern === "/v1/*");

    // Assess
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    // Beyond itself, the page reaches only Cognito's hosted-UI domains (the token endpoint).
    expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.auth\.[a-z0-9-]+\.amazoncognito\.com;/);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    // The managed CachingDisabled policy.
    expect(api?.CachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    expect(api?.ViewerProtocolPolicy).toBe("https-only");
  });

  it("signs agents in with the authorization code flow and PKCE: a public client, a hosted-UI domain", () => {
    // Prepare
    const clients = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));

    // Act
    const consoleClient = clients.find((client) => client.Properties.ClientName === "operator-console");

    // Assess
    expect(consoleClient?.Properties.GenerateSecret).toBe(false);
    expect(consoleClient?.Properties.AllowedOAuthFlows).toEqual(["code"]);
    expect(consoleClient?.Properties.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(JSON.stringify(consoleClient?.Properties.CallbackURLs)).toContain("/console/callback");
    expect(consoleClient?.Properties.AllowedOAuthScopes).toEqual(expect.arrayContaining(["openid"]));
    template.resourceCountIs("AWS::Cognito::UserPoolDomain", 1);
  });

  it("accepts the console's tokens at the operator API's JWT authorizer", () => {
    // Prepare
    const authorizer = Object.values(template.findResources("AWS::ApiGatewayV2::Authorizer"))[0];
    const clientIds = Object.entries(template.findResources("AWS::Cognito::UserPoolClient")).map(([id]) => ({
      Ref: id,
    }));

    // Act
    const audience = ((authorizer?.Properties.JwtConfiguration ?? {}) as { Audience: unknown[] }).Audience;

    // Assess
    expect(audience).toEqual(expect.arrayContaining(clientIds));
    expect(audience).toHaveLength(2);
  });
});
