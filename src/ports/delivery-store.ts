/** One outbound webhook to the provider, durable before its first attempt. */
export interface Delivery {
  deliveryId: string;
  caseId: string;
  type: "account.lock.requested" | "account.unlock.requested" | "case.updated";
  payload: Record<string, unknown>;
  status: "pending" | "delivered" | "disabled" | "exhausted";
  attempts: Array<{ at: string; status: number | null; error?: string }>;
  nextAttemptAt: string | null;
  createdAt: string;
  version: number;
}

export interface DeliveryStore {
  /** Creates the delivery if absent; returns the stored one either way. */
  createIfAbsent(delivery: Delivery): Promise<Delivery>;
  get(deliveryId: string): Promise<Delivery | null>;
  /** Conditional on `delivery.version`; returns false when someone else moved it. */
  update(delivery: Delivery): Promise<boolean>;
}
