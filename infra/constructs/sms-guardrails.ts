import { ArnFormat, Stack } from "aws-cdk-lib";
import * as smsvoice from "aws-cdk-lib/aws-smsvoice";
import { Construct } from "constructs";
import type { SmsSending } from "./app-function.js";

/**
 * ISO 3166-1 alpha-2 codes that a protect configuration rule may name: every assigned code except territories
 * without a public mobile network (AQ, BV, GS, HM, IO, PN, TF, UM) and comprehensively sanctioned countries
 * AWS does not deliver to (CU, IR, KP, SY). Listing a code End User Messaging does not know would fail the
 * deployment; leaving one out leaves it at the service default, so when in doubt a code stays out of this list.
 */
// biome-ignore format: one row of twenty codes per line is easier to audit than one code per line
export const SMS_COUNTRY_CODES: readonly string[] = [
  "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF",
  "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG",
  "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC",
  "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI",
  "GL", "GM", "GN", "GP", "GQ", "GR", "GT", "GU", "GW", "GY", "HK", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
  "IQ", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
  "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO",
  "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
  "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO",
  "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
  "SV", "SX", "SZ", "TC", "TD", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG",
  "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
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
