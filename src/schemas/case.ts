/**
 * The stored case at the storage and API boundary. The domain owns its one definition
 * (`src/domain/case-record.ts`); this module names it for the schemas, adapters and the console.
 */
export {
  type AuditEvent,
  AuditEventSchema,
  type Case,
  CaseSchema,
  SignalsSchema,
  type Sla,
  type SlaClock,
  SlaClockSchema,
  SlaSchema,
} from "../domain/case-record.js";
