/** The raw secret values (Secrets Manager JSON on AWS, environment variables locally). */
export interface Secrets {
  /** Every `whsec_` secret currently accepted on intake (several during rotation). */
  webhookSecrets: string[];
  /** The `whsec_` secret outbound provider webhooks are signed with. */
  providerWebhookSecret: string;
  /** The pepper of the SMS code HMAC. */
  verificationPepper: string;
}

/** An intake key, with a short fingerprint that names it without revealing it (rate-limit keys, logs). */
export interface WebhookKey {
  key: Uint8Array;
  fingerprint: string;
}

/**
 * Secrets by need: each is its own Secrets Manager secret on AWS, granted only to the functions that
 * use it, so a function asks for exactly what it holds. Values are cached for a few minutes (a
 * rotation reaches warm functions without a cold start) and a failed load is never cached.
 */
export interface SecretSource {
  /**
   * The valid intake keys; an invalid entry is skipped (and counted as `InvalidWebhookSecret`).
   * @throws ConfigError when none is valid, a `REPLACE_` placeholder is still set, or this function has no intake secret.
   */
  webhookKeys(): Promise<WebhookKey[]>;
  /** @throws ConfigError when the signing secret is invalid, a placeholder, or not given to this function. */
  providerSigningKey(): Promise<Uint8Array>;
  /** @throws ConfigError when the pepper is too short or not given to this function. */
  verificationPepper(): Promise<string>;
}
