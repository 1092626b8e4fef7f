/**
 * The SMS rules of the deployed End User Messaging setup, applied by the local SMS service: the protect
 * configuration's country policy (the same `smsAllowedCountries` key and default as infra/config.ts) and the
 * account's opt-out list.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../infra/config.js";

/**
 * `smsAllowedCountries` as `cdk deploy` reads it: CDK context in cdk.json or cdk.context.json, else the default
 * of infra/config.ts (`US`). `VIGIL_SMS_ALLOWED_COUNTRIES` (comma-separated) overrides it locally, as `-c` does.
 */
export function smsAllowedCountries(root: string, override: string | undefined): readonly string[] {
  let value: unknown = override?.trim() ? override : undefined;
  for (const file of ["cdk.context.json", "cdk.json"]) {
    if (value !== undefined) break;
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const json = JSON.parse(readFileSync(path, "utf8")) as { context?: Record<string, unknown> } & Record<
      string,
      unknown
    >;
    value = (file === "cdk.json" ? json.context : json)?.smsAllowedCountries;
  }
  return parseConfig(value === undefined ? {} : { smsAllowedCountries: value }).smsAllowedCountries;
}

/** Canadian area codes inside the +1 plan (every other +1 number counts as US here). */
// biome-ignore format: a table
const CA_AREA_CODES = new Set([
  "204", "226", "236", "249", "250", "263", "289", "306", "343", "354", "365", "367", "368", "382", "403", "416", "418",
  "428", "431", "437", "438", "450", "468", "474", "506", "514", "519", "548", "579", "581", "584", "587", "600", "604",
  "613", "639", "647", "672", "683", "705", "709", "742", "753", "778", "780", "782", "807", "819", "825", "867", "873",
  "879", "902", "905",
]);

/** Calling code → country for the codes that map to one country (longest prefix wins). */
// biome-ignore format: a table
const CALLING_CODES: Record<string, string> = {
  "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "36": "HU", "39": "IT",
  "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "49": "DE", "51": "PE",
  "52": "MX", "53": "CU", "54": "AR", "55": "BR", "56": "CL", "57": "CO", "58": "VE", "60": "MY", "61": "AU", "62": "ID",
  "63": "PH", "64": "NZ", "65": "SG", "66": "TH", "81": "JP", "82": "KR", "84": "VN", "86": "CN", "90": "TR", "91": "IN",
  "92": "PK", "93": "AF", "94": "LK", "95": "MM", "98": "IR", "212": "MA", "213": "DZ", "216": "TN", "234": "NG",
  "254": "KE", "351": "PT", "352": "LU", "353": "IE", "354": "IS", "356": "MT", "357": "CY", "358": "FI", "359": "BG",
  "370": "LT", "371": "LV", "372": "EE", "380": "UA", "385": "HR", "386": "SI", "420": "CZ", "421": "SK", "852": "HK",
  "886": "TW", "971": "AE", "972": "IL", "966": "SA",
};

/** ISO 3166-1 alpha-2 country of an E.164 number, or `undefined` when this table does not know it. */
export function countryOfPhone(phone: string): string | undefined {
  const digits = /^\+(\d{6,15})$/.exec(phone)?.[1];
  if (!digits) return undefined;
  if (digits.startsWith("1")) return CA_AREA_CODES.has(digits.slice(1, 4)) ? "CA" : "US";
  for (const length of [3, 2, 1]) {
    const country = CALLING_CODES[digits.slice(0, length)];
    if (country) return country;
  }
  return undefined;
}

/** The account's SMS opt-out list, kept in the data directory. */
export class OptOutList {
  private readonly phones: Set<string>;

  constructor(private readonly file: string) {
    this.phones = new Set(existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as string[]) : []);
  }

  add(phone: string): void {
    this.phones.add(phone);
    writeFileSync(this.file, JSON.stringify([...this.phones]));
  }

  has(phone: string): boolean {
    return this.phones.has(phone);
  }

  list(): string[] {
    return [...this.phones];
  }
}

/** A refusal in End User Messaging's JSON shape. */
export interface SmsRefusal {
  __type: "ConflictException" | "ValidationException";
  Message: string;
  Reason: string;
}

/**
 * What End User Messaging answers SendTextMessage for `phone`, or `undefined` to send. A protect configuration
 * that blocks the country answers ConflictException `DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION`;
 * without one, a blocked country is ValidationException `DESTINATION_COUNTRY_BLOCKED`; an opted-out number is
 * ConflictException `DESTINATION_PHONE_NUMBER_OPTED_OUT`.
 */
export function smsRefusal(
  request: { DestinationPhoneNumber?: string; ProtectConfigurationId?: string },
  rules: { allowedCountries: readonly string[] | undefined; optOuts: OptOutList | undefined },
): SmsRefusal | undefined {
  const phone = String(request.DestinationPhoneNumber ?? "");
  if (rules.allowedCountries) {
    const country = countryOfPhone(phone);
    if (!country || !rules.allowedCountries.includes(country)) {
      return request.ProtectConfigurationId
        ? {
            __type: "ConflictException",
            Message: "The destination country is blocked by the protect configuration.",
            Reason: "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
          }
        : {
            __type: "ValidationException",
            Message: "The destination country is blocked.",
            Reason: "DESTINATION_COUNTRY_BLOCKED",
          };
    }
  }
  if (rules.optOuts?.has(phone)) {
    return {
      __type: "ConflictException",
      Message: "The destination phone number is opted out.",
      Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT",
    };
  }
  return undefined;
}
