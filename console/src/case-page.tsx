import type { ComponentChildren, Ref } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, describeError } from "./api.js";
import { agentName } from "./auth.js";
import {
  ACTION_LABELS,
  CLOCK_LABELS,
  CONFIRMED_ACTIONS,
  clockState,
  countdown,
  eventLabel,
  FACTOR_STATE_LABELS,
  formatDuration,
  formatTime,
  INCIDENT_LABELS,
  LOCK_STATE_LABELS,
  STATUS_LABELS,
} from "./format.js";
import { useFocusHeading, useNow, usePolling } from "./hooks.js";
import { useShortcut } from "./shortcuts.js";
import { ACTIONS, type AuditResponse, type CaseView, type SlaClock, type TimelineEntry } from "./types.js";

/** How often an open case page asks for news (a lock applied, a reporter verified). */
const CASE_REFRESH_MS = 10_000;

/** The buttons in the order an agent works a case. */
const ACTION_ORDER = [
  "take",
  "acknowledge",
  "verify_identity",
  "escalate",
  "lock",
  "unlock",
  "resolve",
  "close",
  "reopen",
  "replay_delivery",
] as const;

/** Every contract action, for an API that does not say which are allowed (the server still decides). */
const FALLBACK_ACTIONS: readonly string[] = ACTIONS.filter((action) => action !== "take");

const CONFIRM_TEXT: Record<string, string> = {
  lock: "Lock the account? The provider receives a lock request for the case's scopes.",
  unlock:
    "Unlock the account? The provider receives an unlock request and the reporter is told on every trusted channel.",
  close: "Close the case? Its clocks stop and the reporter gets the closing message.",
};

const DONE_TEXT: Record<string, string> = {
  acknowledge: "Acknowledged.",
  escalate: "Escalated.",
  verify_identity: "Identity check recorded.",
  lock: "Lock requested.",
  unlock: "Unlock requested.",
  resolve: "Resolved.",
  close: "Closed.",
  reopen: "Reopened.",
  note: "Note added.",
  replay_delivery: "Delivery replayed.",
  take: "You took the case.",
  release: "You released the case.",
  message_reporter: "Message sent to the reporter.",
};

interface Outcome {
  kind: "error" | "done";
  text: string;
}

function Section(props: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function ClockRow(props: { name: string; clock: SlaClock | null; now: number }) {
  const { clock, now } = props;
  if (!clock)
    return (
      <tr>
        <th scope="row">{props.name}</th>
        <td colSpan={4}>Not used for this case</td>
      </tr>
    );
  const state = (clock as SlaClock & { state?: string }).state ?? clockState(clock);
  let standing: string;
  if (clock.metAt && state !== "breached") standing = `Met at ${formatTime(clock.metAt)}`;
  else if (clock.breachedAt)
    standing = `Breached at ${formatTime(clock.breachedAt)} (${formatDuration(now - Date.parse(clock.breachedAt))} ago)`;
  else if (clock.pausedAt) standing = "Paused while the reporter verifies";
  else standing = countdown(clock.dueAt, now);
  const mark =
    state === "breached" ? "Breached" : state === "met" ? "Met" : clock.warnedAt.length ? "Warning" : "On time";
  return (
    <tr class={state === "breached" ? "sla-breached" : mark === "Warning" ? "sla-warning" : undefined}>
      <th scope="row">{props.name}</th>
      <td>{formatTime(clock.dueAt)}</td>
      <td class="countdown">{standing}</td>
      <td>
        <span class={`mark mark-${mark.toLowerCase().replace(" ", "-")}`}>{mark}</span>
      </td>
      <td>
        {clock.warnedAt.length} warning{clock.warnedAt.length === 1 ? "" : "s"}
        {clock.escalatedAt?.length
          ? `, ${clock.escalatedAt.length} escalation${clock.escalatedAt.length === 1 ? "" : "s"}`
          : ""}
        {clock.pausedSeconds ? `, paused ${formatDuration(clock.pausedSeconds * 1000)}` : ""}
      </td>
    </tr>
  );
}

/** A timeline entry's detail as words: `key: value` pairs, values as text. */
function DetailText(props: { detail: Record<string, unknown> }) {
  const entries = Object.entries(props.detail).filter(([, value]) => value !== null && value !== undefined);
  if (!entries.length) return null;
  return (
    <span class="detail">
      {entries
        .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" · ")}
    </span>
  );
}

function textOf(entry: TimelineEntry, ...keys: string[]): string {
  for (const key of keys) {
    const value = entry.detail[key];
    if (typeof value === "string" && value) return value;
  }
  return "";
}

interface Delivery {
  deliveryId: string;
  eventType: string;
  state: string;
  at: string;
}

/** The provider deliveries the timeline mentions, each with its latest state. */
function deliveriesOf(timeline: TimelineEntry[]): Delivery[] {
  const byId = new Map<string, Delivery>();
  for (const entry of timeline) {
    const deliveryId = entry.detail.deliveryId;
    if (typeof deliveryId !== "string") continue;
    const state = entry.type.startsWith("delivery.") ? entry.type.slice("delivery.".length) : "sent";
    byId.set(deliveryId, {
      deliveryId,
      eventType: String(entry.detail.eventType ?? byId.get(deliveryId)?.eventType ?? ""),
      state,
      at: entry.at,
    });
  }
  return [...byId.values()];
}

/**
 * A labelled text area with its hint and what acts on it: the internal note and the message to the
 * reporter are both this one (2,000 characters at most, as the API accepts).
 */
function TextField(props: {
  class: string;
  id: string;
  label: string;
  hint: string;
  rows: number;
  value: string;
  onInput: (value: string) => void;
  fieldRef: Ref<HTMLTextAreaElement>;
  children: ComponentChildren;
}) {
  return (
    <div class={props.class}>
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        ref={props.fieldRef}
        rows={props.rows}
        maxLength={2000}
        value={props.value}
        onInput={(event) => props.onInput((event.target as HTMLTextAreaElement).value)}
        aria-describedby={`${props.id}-hint`}
      />
      <span id={`${props.id}-hint`} class="hint">
        {props.hint}
      </span>
      {props.children}
    </div>
  );
}

const isMessageToReporter = (entry: TimelineEntry) =>
  entry.type === "reporter.messaged" || entry.type === "case.reporter_messaged";

export function CasePage(props: { caseId: string }) {
  const { caseId } = props;
  const [view, setView] = useState<CaseView | null>(null);
  const [audit, setAudit] = useState<AuditResponse | null>(null);
  const [loadError, setLoadError] = useState<{ status: number; text: string } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState("");
  const [composing, setComposing] = useState(false);
  const [message, setMessage] = useState("");
  const [preview, setPreview] = useState<{ for: string; text: string; subject?: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const noteField = useRef<HTMLTextAreaElement>(null);
  const messageField = useRef<HTMLTextAreaElement>(null);
  const now = useNow();
  const heading = useFocusHeading(caseId);
  const path = `/v1/cases/${encodeURIComponent(caseId)}`;

  const loadAudit = useCallback(async () => {
    try {
      setAudit(await api.get<AuditResponse>(`${path}/audit`));
    } catch {
      setAudit(null);
    }
  }, [path]);

  usePolling(
    async () => {
      try {
        setView(await api.get<CaseView>(path));
        setLoadError(null);
      } catch (failure) {
        setLoadError({ status: failure instanceof ApiError ? failure.status : 0, text: describeError(failure) });
      }
      await loadAudit();
    },
    CASE_REFRESH_MS,
    [path],
  );

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (confirming && !element.open) element.showModal();
    if (!confirming && element.open) element.close();
  }, [confirming]);

  const me = agentName();
  const allowed = new Set(view?.allowedActions ?? FALLBACK_ACTIONS);
  const deliveries = view ? deliveriesOf(view.timeline) : [];
  const failedDeliveries = deliveries.filter((delivery) => delivery.state === "failed");

  async function act(action: string, extra: Record<string, unknown> = {}, doneKey = action) {
    setBusy(true);
    setOutcome(null);
    try {
      const body: Record<string, unknown> = { action, ...extra };
      const trimmed = note.trim();
      // A note written in the field travels with the action that uses it (and is the action "note").
      if (trimmed && (action === "note" || !("note" in body))) body.note = trimmed;
      const updated = await api.post<CaseView>(`${path}/actions`, body);
      setView(updated);
      if (body.note) setNote("");
      setOutcome({ kind: "done", text: DONE_TEXT[doneKey] ?? "Done." });
      void loadAudit();
      return true;
    } catch (failure) {
      setOutcome({ kind: "error", text: describeError(failure) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  function start(action: string) {
    if (action === "note" && !note.trim()) {
      setOutcome({ kind: "error", text: "Write the note first, in the field “Internal note”." });
      noteField.current?.focus();
      return;
    }
    if (action === "message_reporter") {
      setComposing(true);
      setTimeout(() => messageField.current?.focus(), 0);
      return;
    }
    if (action === "take") {
      if (!me) {
        setOutcome({ kind: "error", text: "The console does not know your agent name: sign out and in again." });
        return;
      }
      void act("assign", { assignee: me }, "take");
      return;
    }
    if (action === "replay_delivery") {
      const latest = failedDeliveries.at(-1);
      if (!latest) {
        setOutcome({ kind: "error", text: "No failed delivery to replay on this case." });
        return;
      }
      void act("replay_delivery", { deliveryId: latest.deliveryId });
      return;
    }
    if (CONFIRMED_ACTIONS.has(action)) {
      setConfirming(action);
      return;
    }
    void act(action);
  }

  const acknowledge = useCallback(() => {
    if (view && allowed.has("acknowledge") && !busy) void act("acknowledge");
  }, [view, busy, note]);
  useShortcut("a", acknowledge);

  async function showPreview() {
    const words = message.trim();
    if (!words) {
      setOutcome({ kind: "error", text: "Write the message first." });
      messageField.current?.focus();
      return;
    }
    setOutcome(null);
    try {
      const answer = await api.post<{ email?: { subject?: string; text?: string } | null; sms?: string | null }>(
        `${path}/messages/preview`,
        { message: words },
      );
      const subject = answer.email?.subject;
      const sms = answer.sms ? `\n\n— SMS notice —\n${answer.sms}` : "";
      setPreview({ for: words, text: `${answer.email?.text ?? words}${sms}`, ...(subject ? { subject } : {}) });
    } catch (failure) {
      if (failure instanceof ApiError && (failure.status === 404 || failure.status === 405)) {
        // An API without the preview route: show the words as they will be sent, inside the template.
        setPreview({ for: words, text: words });
      } else setOutcome({ kind: "error", text: describeError(failure) });
    }
  }

  async function send() {
    const words = message.trim();
    if (await act("message_reporter", { message: words })) {
      setMessage("");
      setPreview(null);
      setComposing(false);
    }
  }

  if (loadError && !view)
    return (
      <main id="main">
        <h1 ref={heading} tabIndex={-1}>
          Case {caseId}
        </h1>
        <p role="alert" class="error">
          {loadError.status === 404 ? "There is no such case." : loadError.text}
        </p>
        <p>
          <a href="/console/">Back to the queue</a>
        </p>
      </main>
    );
  if (!view)
    return (
      <main id="main">
        <h1 ref={heading} tabIndex={-1}>
          Case {caseId}
        </h1>
        <p>Loading the case…</p>
      </main>
    );

  // A locked account's Unlock stays within reach while the API does not allow it yet (no fresh
  // proofs, cool-down, four eyes): trying it shows the API's reason in place, which the agent needs
  // when the reporter asks why their account is still locked.
  const locked = view.lock.state === "requested" || view.lock.state === "applied";
  const unlockExplained = locked && !allowed.has("unlock") && view.allowedActions !== undefined;
  const buttons: string[] = ACTION_ORDER.filter((action) => {
    if (action === "take") return allowed.has("assign") && view.assignee !== me;
    if (action === "unlock") return allowed.has("unlock") || unlockExplained;
    return allowed.has(action);
  });
  const notes = view.timeline.filter(
    (entry) => entry.type === "case.note" || (entry.detail.note && !isMessageToReporter(entry)),
  );
  const messages = view.timeline.filter(isMessageToReporter);

  return (
    <main id="main" class="case">
      <h1 ref={heading} tabIndex={-1}>
        Case {view.caseId}
      </h1>
      <p class="summary">
        <span class={`priority priority-${view.priority}`}>{view.priority}</span>{" "}
        <span>{STATUS_LABELS[view.status] ?? view.status}</span>
        {view.closeReason ? ` (${view.closeReason})` : ""} ·{" "}
        {(view.incidentTypes?.length ? view.incidentTypes : [view.incidentType])
          .map((type) => INCIDENT_LABELS[type] ?? type)
          .join(", ")}{" "}
        · account <code>{view.accountId}</code> ·{" "}
        {view.assignee ? `assigned to ${view.assignee}` : view.assignee === null ? "unassigned" : ""}
      </p>

      <Section title="Actions" id="actions-title">
        <div class="actions">
          {buttons.map((action) => (
            <button
              key={action}
              type="button"
              disabled={busy}
              onClick={() => start(action)}
              aria-describedby={action === "unlock" && unlockExplained ? "unlock-hint" : undefined}
            >
              {ACTION_LABELS[action]}
            </button>
          ))}
          {allowed.has("assign") && me !== null && view.assignee === me && (
            <button type="button" disabled={busy} onClick={() => void act("assign", { assignee: null }, "release")}>
              Release
            </button>
          )}
          {allowed.has("message_reporter") && (
            <button type="button" disabled={busy} onClick={() => start("message_reporter")}>
              Message reporter
            </button>
          )}
        </div>
        {unlockExplained && (
          <p id="unlock-hint" class="hint">
            Unlock is not allowed yet; trying it shows why (proofs, cool-down or four eyes).
          </p>
        )}
        <div aria-live="polite">
          {outcome?.kind === "done" && (
            <p role="status" class="done">
              {outcome.text}
            </p>
          )}
        </div>
        {outcome?.kind === "error" && (
          <p role="alert" class="error">
            {outcome.text}
          </p>
        )}
        {allowed.has("note") && (
          <TextField
            class="note"
            id="note"
            label="Internal note"
            hint="Seen by agents only. It is also attached to the next action you take."
            rows={3}
            value={note}
            onInput={setNote}
            fieldRef={noteField}
          >
            <button type="button" disabled={busy} onClick={() => start("note")}>
              Add note
            </button>
          </TextField>
        )}
        {composing && (
          <TextField
            class="composer"
            id="reporter-message"
            label="Message to the reporter"
            hint="Sent in the branded template, in the reporter's language, on every channel the case still trusts (SMS gets a short notice). Preview it before sending."
            rows={5}
            value={message}
            onInput={setMessage}
            fieldRef={messageField}
          >
            <div class="actions">
              <button type="button" disabled={busy} onClick={() => void showPreview()}>
                Preview
              </button>
              <button
                type="button"
                disabled={busy || preview === null || preview.for !== message.trim()}
                onClick={() => void send()}
              >
                Send
              </button>
              <button
                type="button"
                onClick={() => {
                  setComposing(false);
                  setPreview(null);
                }}
              >
                Cancel
              </button>
            </div>
            {preview && preview.for === message.trim() && (
              <section class="preview" aria-labelledby="preview-title">
                <h3 id="preview-title">Preview{preview.subject ? `: ${preview.subject}` : ""}</h3>
                <pre>{preview.text}</pre>
              </section>
            )}
          </TextField>
        )}
      </Section>

      <dialog ref={dialog} aria-labelledby="confirm-title" onClose={() => setConfirming(null)}>
        <h2 id="confirm-title">{confirming ? ACTION_LABELS[confirming] : ""}</h2>
        <p>{confirming ? CONFIRM_TEXT[confirming] : ""}</p>
        <div class="actions">
          <button
            type="button"
            onClick={() => {
              const action = confirming;
              setConfirming(null);
              if (action) void act(action);
            }}
          >
            Confirm
          </button>
          <button type="button" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </div>
      </dialog>

      <div class="columns">
        <Section title="Reporter" id="reporter-title">
          <dl>
            <dt>Email</dt>
            <dd>
              {view.reporter.email} {view.channels.email ? "" : "(no longer trusted)"}
            </dd>
            <dt>Phone</dt>
            <dd>
              {view.reporter.phone ?? "none"} {view.reporter.phone && !view.channels.sms ? "(SMS not used)" : ""}
            </dd>
            <dt>Language</dt>
            <dd>{view.reporter.locale}</dd>
            <dt>Reports</dt>
            <dd>{view.reports ?? 1}</dd>
          </dl>
          <h3>Description</h3>
          {view.description ? <p class="description">{view.description}</p> : <p>No description.</p>}
          {view.seedPhraseRedacted && (
            <p class="hint">A seed phrase was removed from the description before storage.</p>
          )}
        </Section>

        <Section title="Verification" id="verification-title">
          <table>
            <caption class="visually-hidden">Verification per factor</caption>
            <thead>
              <tr>
                <th scope="col">Factor</th>
                <th scope="col">State</th>
                <th scope="col">Verified at</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["Email link", view.verification.email, view.verification.emailVerifiedAt],
                  ["SMS code", view.verification.sms, view.verification.smsVerifiedAt],
                  ["Agent identity check", view.verification.identity, view.verification.identityVerifiedAt],
                ] as const
              ).map(([name, state, at]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{FACTOR_STATE_LABELS[state] ?? state}</td>
                  <td>{formatTime(at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.verification.denied && <p class="error">The reporter answered “This wasn't me”.</p>}
          {view.verification.lockedUntil && (
            <p>Verification locked after repeated failures until {formatTime(view.verification.lockedUntil)}.</p>
          )}
        </Section>

        <Section title="Account lock" id="lock-title">
          <p>
            <strong>{LOCK_STATE_LABELS[view.lock.state] ?? view.lock.state}</strong>
            {view.lock.scopes.length ? ` — ${view.lock.scopes.join(", ")}` : ""}
          </p>
          <dl>
            <dt>Requested</dt>
            <dd>{formatTime(view.lock.requestedAt)}</dd>
            <dt>Applied</dt>
            <dd>{formatTime(view.lock.appliedAt)}</dd>
            {view.lock.releaseRequestedAt && (
              <>
                <dt>Unlock requested</dt>
                <dd>{formatTime(view.lock.releaseRequestedAt)}</dd>
              </>
            )}
            {view.lock.releasedAt && (
              <>
                <dt>Unlocked</dt>
                <dd>{formatTime(view.lock.releasedAt)}</dd>
              </>
            )}
            {view.lock.reason && (
              <>
                <dt>Reason</dt>
                <dd>{view.lock.reason}</dd>
              </>
            )}
          </dl>
          <h3>Deliveries to the provider</h3>
          {deliveries.length ? (
            <ul>
              {deliveries.map((delivery) => (
                <li key={delivery.deliveryId}>
                  <code>{delivery.deliveryId}</code> {delivery.eventType}: {delivery.state} ({formatTime(delivery.at)})
                  {delivery.state === "failed" && allowed.has("replay_delivery") && (
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Replay delivery ${delivery.deliveryId}`}
                      onClick={() => void act("replay_delivery", { deliveryId: delivery.deliveryId })}
                    >
                      Replay
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p>No failed or replayed delivery.</p>
          )}
        </Section>
      </div>

      <Section title="SLA clocks" id="sla-title">
        <table>
          <caption class="visually-hidden">SLA clocks of the case</caption>
          <thead>
            <tr>
              <th scope="col">Clock</th>
              <th scope="col">Due</th>
              <th scope="col">Standing</th>
              <th scope="col">Mark</th>
              <th scope="col">History</th>
            </tr>
          </thead>
          <tbody>
            <ClockRow name={CLOCK_LABELS.containment} clock={view.sla.containment} now={now} />
            <ClockRow name={CLOCK_LABELS.firstResponse} clock={view.sla.firstResponse} now={now} />
            <ClockRow name={CLOCK_LABELS.resolution} clock={view.sla.resolution} now={now} />
          </tbody>
        </table>
      </Section>

      <Section title="Failures" id="failures-title">
        {view.failures?.length ? (
          <ul>
            {view.failures.map((failure) => (
              <li key={`${failure.at}-${failure.step}`}>
                {formatTime(failure.at)} — {failure.step}: {failure.error}
              </li>
            ))}
          </ul>
        ) : (
          <p>None.</p>
        )}
      </Section>

      <div class="columns">
        <Section title="Internal notes" id="notes-title">
          {notes.length ? (
            <ul>
              {notes.map((entry) => (
                <li key={`${entry.seq}-${entry.at}`}>
                  <span class="meta">
                    {formatTime(entry.at)} · {entry.actor}
                  </span>
                  <p class="description">{textOf(entry, "note")}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p>No notes.</p>
          )}
        </Section>
        <Section title="Messages to the reporter" id="messages-title">
          {messages.length ? (
            <ul>
              {messages.map((entry) => (
                <li key={`${entry.seq}-${entry.at}`}>
                  <span class="meta">
                    {formatTime(entry.at)} · {entry.actor}
                  </span>
                  <p class="description">{textOf(entry, "message", "text")}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p>No message written by an agent yet.</p>
          )}
        </Section>
      </div>

      <Section title="Timeline" id="timeline-title">
        <p>
          Audit chain:{" "}
          {audit === null ? (
            "not checked"
          ) : audit.chainValid ? (
            <strong>intact ({audit.events.length} events, each hash-linked to the previous)</strong>
          ) : (
            <strong class="error">broken: the events do not match their hashes</strong>
          )}
        </p>
        <ol class="timeline">
          {view.timeline.map((entry) => (
            <li key={`${entry.seq}-${entry.at}-${entry.type}`}>
              <time dateTime={entry.at}>{formatTime(entry.at)}</time> <strong>{eventLabel(entry.type)}</strong>
              {entry.actor ? <span class="meta"> by {entry.actor}</span> : null} <DetailText detail={entry.detail} />
            </li>
          ))}
        </ol>
      </Section>
    </main>
  );
}
