import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";

/** Props of {@link OperatorAuth}. */
export interface OperatorAuthProps {
  readonly stage: string;
  /**
   * Where the operator console is served (`https://…`, no trailing slash). With it, agents sign in to the
   * console through the hosted UI: authorization code with PKCE, a public client, callback
   * `<consoleUrl>/console/callback` (ADR 0011).
   */
  readonly consoleUrl?: string;
}

/** The operator groups: `agents` work cases; `supervisors` also unlock accounts (four eyes) and assign anyone. */
export const OPERATOR_GROUP_NAMES = ["agents", "supervisors"] as const;

/**
 * Who may call the operator API: support agents in a Cognito user pool that only an administrator can add
 * users to, with a strong password policy, mandatory TOTP (never SMS: SIM swapping is one of the incidents
 * Vigil handles) and threat protection (Plus plan) enforcing adaptive authentication on compromised
 * credentials. The HTTP API validates the pool's JWTs with {@link authorizer}; the functions read the
 * `cognito:groups` claim (a user in neither group is refused with 403).
 *
 * Access tokens live 15 minutes: an agent removed from a group or disabled keeps at most 15 minutes of
 * access. To cut an agent off at once, revoke their refresh tokens with `AdminUserGlobalSignOut` (tokens
 * already issued stay valid until they expire, at most 15 minutes).
 */
export class OperatorAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The console's public client (authorization code + PKCE), with {@link consoleUrl}. */
  readonly consoleClient?: cognito.UserPoolClient;
  /** The hosted UI's domain, with {@link consoleUrl}. */
  readonly domain?: cognito.UserPoolDomain;
  /** JWT authorizer for the `/v1/cases*` routes; accepts tokens issued to {@link client} only. */
  readonly authorizer: HttpUserPoolAuthorizer;

  constructor(scope: Construct, id: string, props: OperatorAuthProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, "UserPool", {
      userPoolName: `vigil-${props.stage}-operators`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      // Agent accounts and their MFA enrolments are not recreatable from code; keep them with the data.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.client = this.userPool.addClient("OperatorClient", {
      userPoolClientName: "operator-api",
      generateSecret: false,
      // SRP only: the password never leaves the agent's machine, and no hosted UI / OAuth redirect to configure.
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    for (const [groupName, description, precedence] of [
      [
        "agents",
        "Support agents: work cases (acknowledge, verify identity, lock, message the reporter, take cases)",
        20,
      ],
      ["supervisors", "Supervisors: also unlock accounts (four eyes) and assign cases to anyone", 10],
    ] as const) {
      new cognito.CfnUserPoolGroup(this, `${groupName[0]?.toUpperCase()}${groupName.slice(1)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName,
        description,
        precedence,
      });
    }

    const clients = [this.client];
    if (props.consoleUrl !== undefined) {
      this.domain = this.userPool.addDomain("ConsoleSignIn", {
        cognitoDomain: { domainPrefix: `vigil-${props.stage}-${Stack.of(this).account}` },
        managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
      });
      this.consoleClient = this.userPool.addClient("ConsoleClient", {
        userPoolClientName: "operator-console",
        // A browser app keeps no secret: PKCE (S256) binds the code to the tab that asked for it.
        generateSecret: false,
        authFlows: {},
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
          callbackUrls: [`${props.consoleUrl}/console/callback`],
          logoutUrls: [`${props.consoleUrl}/console/`],
        },
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
        preventUserExistenceErrors: true,
        accessTokenValidity: Duration.minutes(15),
        idTokenValidity: Duration.minutes(15),
        // No refresh in the browser: a new sign-in after the token's 15 minutes is one redirect (the hosted UI
        // session cookie) and keeps no long-lived token in the page.
        refreshTokenValidity: Duration.hours(1),
        enableTokenRevocation: true,
      });
      clients.push(this.consoleClient);
    }

    this.authorizer = new HttpUserPoolAuthorizer("OperatorAuthorizer", this.userPool, {
      userPoolClients: clients,
    });
  }
}
