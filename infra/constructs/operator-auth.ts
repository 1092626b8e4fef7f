import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";

/** Props of {@link OperatorAuth}. */
export interface OperatorAuthProps {
  readonly stage: string;
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

    this.authorizer = new HttpUserPoolAuthorizer("OperatorAuthorizer", this.userPool, {
      userPoolClients: [this.client],
    });
  }
}
