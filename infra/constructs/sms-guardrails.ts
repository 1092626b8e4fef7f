import { ArnFormat, Stack } from "aws-cdk-lib";
import * as smsvoice from "aws-cdk-lib/aws-smsvoice";
import { Construct } from "constructs";
import type { SmsSending } from "./app-function.js";

/**
 * The ISO 3166-1 alpha-2 codes the protect configuration names: the destinations AWS documents for SMS
 * (https://docs.aws.amazon.com/sms-voice/latest/userguide/phone-numbers-sms-by-country.html; the copy the tests
 * check against is tests/fixtures/aws/eum-sms-countries.json, with its source). A code End User Messaging does not
 * know fails the whole deployment, so only documented, currently assigned codes are here: the withdrawn `AN` is
 * left out, and so is Mongolia (documented under Macau's `MO`). A code left out keeps the service's default.
 */
// biome-ignore format: one row of twenty codes per line is easier to audit than one code per line
export const SMS_COUNTRY_CODES: readonly string[] = [
  "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AT", "AU", "AW", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH",
  "BI", "BJ", "BM", "BN", "BO", "BR", "BS", "BT", "BW", "BY", "BZ", "CA", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM",
  "CN", "CO", "CR", "CV", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "ES", "ET", "FI", "FJ", "FO",
  "FR", "GA", "GB", "GD", "GE", "GF", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GT", "GU", "GW", "GY", "HK", "HN",
  "HR", "HT", "HU", "ID", "IE", "IL", "IN", "IQ", "IS", "IT", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KR",
  "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MG", "MK",
  "ML", "MM", "MO", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NG", "NI", "NL", "NO",
  "NP", "NZ", "OM", "PA", "PE", "PG", "PH", "PK", "PL", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
  "SA", "SB", "SC", "SE", "SG", "SI", "SK", "SL", "SN", "SO", "SR", "SS", "ST", "SV", "SZ", "TC", "TD", "TG", "TH", "TJ",
  "TL", "TM", "TN", "TO", "TR", "TT", "TW", "TZ", "UA", "UG", "US", "UY", "UZ", "VC", "VE", "VG", "VI", "VN", "VU", "WS",
  "YE", "ZA", "ZM", "ZW",
];

/** Props of {@link SmsGuardrails}. */
export interface SmsGuardrailsProps {
  readonly stage: string;
  /** Countries SMS may go to; every other code of {@link SMS_COUNTRY_CODES} is blocked. */
  readonly allowedCountries: readonly string[];
  /** Phone number / pool / sender id (id or ARN) handlers send from; the account default when unset. */
  readonly originationIdentity?: string;
}

/**
 * Bounds where Vigil's SMS can go: an End User Messaging protect configuration that allows the configured
 * countries and blocks every other one, passed by handlers as `ProtectConfigurationId` on each SendTextMessage.
 * This is the defence against SMS pumping (artificially inflated traffic) through the public resend endpoint;
 * the spend itself is capped by the account's SMS spend limit, which CloudFormation cannot set.
 */
export class SmsGuardrails extends Construct {
  readonly protectConfiguration: smsvoice.CfnProtectConfiguration;
  /** What {@link AppFunction.allowSms} needs. */
  readonly sending: SmsSending;

  constructor(scope: Construct, id: string, props: SmsGuardrailsProps) {
    super(scope, id);
    const allowed = new Set(props.allowedCountries);
    const unknown = [...allowed].filter((code) => !SMS_COUNTRY_CODES.includes(code));
    if (unknown.length > 0) {
      throw new Error(`smsAllowedCountries: ${unknown.join(", ")} cannot be used as SMS destinations`);
    }

    this.protectConfiguration = new smsvoice.CfnProtectConfiguration(this, "ProtectConfiguration", {
      countryRuleSet: {
        sms: SMS_COUNTRY_CODES.map((countryCode) => ({
          countryCode,
          protectStatus: allowed.has(countryCode) ? "ALLOW" : "BLOCK",
        })),
      },
      // Stateless and recreated with the stack; protecting it would only block stack deletion.
      deletionProtectionEnabled: false,
      tags: [{ key: "Name", value: `vigil-${props.stage}` }],
    });

    const stack = Stack.of(this);
    this.sending = {
      protectConfigurationId: this.protectConfiguration.attrProtectConfigurationId,
      originationIdentity: props.originationIdentity,
      // SendTextMessage is authorized against the origination identity, opt-out list, configuration set and
      // protect configuration the service resolves at send time, and the account default identity is unknown
      // here; the grant is therefore every SMS resource of this account and region, for this one action.
      resources: [stack.formatArn({ service: "sms-voice", resource: "*", arnFormat: ArnFormat.NO_RESOURCE_NAME })],
    };
  }
}
