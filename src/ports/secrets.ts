/** The secrets a handler needs, loaded once per cold start (Secrets Manager on AWS, env locally). */
export interface Secrets {
  /** Every `whsec_` secret currently accepted on intake (several during rotation). */
  webhookSecrets: string[];
  /** The `whsec_` secret outbound provider webhooks are signed with. */
  providerWebhookSecret: string;
  /** The pepper of the SMS code HMAC. */
  verificationPepper: string;
}

export interface SecretSource {
  load(): Promise<Secrets>;
}
