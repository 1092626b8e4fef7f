import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { prefetch, prefetched, whenUnauthorized } from "./api.js";
import {
  agentName,
  authMode,
  completeCognitoSignIn,
  loadConfig,
  rememberAgent,
  signInWithToken,
  signOut,
  signOutLocally,
  startCognitoSignIn,
  token,
} from "./auth.js";
import { CasePage } from "./case-page.js";
import { useFocusHeading } from "./hooks.js";
import { QueuePage, queueApiPath } from "./queue-page.js";
import { casePath, interceptLinks, navigate, parseRoute, useLocation } from "./router.js";
import { installShortcuts, nextCaseAfter, SHORTCUTS, useShortcut } from "./shortcuts.js";
import { SlaPage } from "./sla-page.js";

function SignIn(props: { onSignedIn: () => void; notice: string | null }) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const heading = useFocusHeading("sign-in");
  const cognito = authMode() === "cognito";
  const submit = (event: Event) => {
    event.preventDefault();
    if (cognito) {
      void startCognitoSignIn(location.pathname + location.search);
      return;
    }
    if (!value.trim()) {
      setError("Enter the operator token.");
      return;
    }
    // The local runtime says who the token is (and refuses a wrong one here, not on the next page).
    void fetch("/console/session", { headers: { authorization: `Bearer ${value.trim()}` }, cache: "no-store" })
      .then(async (response) => {
        if (response.status === 401) {
          setError("This operator token is not valid.");
          return;
        }
        signInWithToken(value);
        if (response.ok) rememberAgent(((await response.json()) as { agent: string }).agent);
        props.onSignedIn();
      })
      .catch(() => setError("The console cannot reach the server. Is it running?"));
  };
  return (
    <main id="main" class="sign-in">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to the Vigil console
      </h1>
      {props.notice && <p role="status">{props.notice}</p>}
      <form onSubmit={submit}>
        {cognito ? (
          <p>You sign in with your agent account (password and authenticator app).</p>
        ) : (
          <p>
            <label for="operator-token">Operator token</label>
            <input
              id="operator-token"
              name="token"
              type="password"
              autocomplete="off"
              value={value}
              onInput={(event) => setValue((event.target as HTMLInputElement).value)}
              aria-describedby={error ? "sign-in-error" : "token-hint"}
              aria-invalid={error ? true : undefined}
            />
            <span id="token-hint" class="hint">
              Printed by <code>npm start</code> (<code>VIGIL_OPERATOR_TOKEN</code>, or a token of{" "}
              <code>VIGIL_OPERATORS</code>).
            </span>
          </p>
        )}
        {error && (
          <p id="sign-in-error" role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function Callback(props: { onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    completeCognitoSignIn(new URLSearchParams(location.search))
      .then((to) => {
        props.onSignedIn();
        navigate(to, { replace: true });
      })
      .catch((failure: Error) => setError(failure.message));
  }, []);
  return (
    <main id="main">
      <h1>Signing in…</h1>
      {error && (
        <p role="alert" class="error">
          {error} <a href="/console/">Try again</a>
        </p>
      )}
    </main>
  );
}

function App() {
  const { pathname, search } = useLocation();
  const [signedIn, setSignedIn] = useState(() => token() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const route = parseRoute(pathname);

  useEffect(() => {
    whenUnauthorized(() => {
      signOutLocally();
      setNotice("Your session ended or the token was refused. Sign in again.");
      setSignedIn(false);
    });
  }, []);

  const currentCase = route.page === "case" ? route.caseId : null;
  const next = useCallback(() => {
    const id = nextCaseAfter(currentCase);
    if (id) navigate(casePath(id));
  }, [currentCase]);
  const toQueue = useCallback(() => navigate("/console/"), []);
  useShortcut("n", next);
  useShortcut("q", toQueue);

  if (route.page === "callback") return <Callback onSignedIn={() => setSignedIn(true)} />;
  if (!signedIn)
    return (
      <SignIn
        notice={notice}
        onSignedIn={() => {
          setNotice(null);
          setSignedIn(true);
        }}
      />
    );

  const agent = agentName();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Console">
          <span class="brand">Vigil</span>
          <a href="/console/" aria-current={route.page === "queue" ? "page" : undefined}>
            Queue
          </a>
          <a href="/console/sla" aria-current={route.page === "sla" ? "page" : undefined}>
            SLA attainment
          </a>
        </nav>
        <div class="who">
          {agent && <span>Signed in as {agent}</span>}
          <button
            type="button"
            class="link"
            onClick={() => {
              signOut();
              setSignedIn(false);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      {route.page === "queue" && <QueuePage search={search} />}
      {route.page === "case" && <CasePage key={route.caseId} caseId={route.caseId} />}
      {route.page === "sla" && <SlaPage />}
      {route.page === "not-found" && (
        <main id="main">
          <h1>Page not found</h1>
          <p>
            <a href="/console/">Back to the queue</a>
          </p>
        </main>
      )}
      <footer class="shortcuts">
        <h2 class="visually-hidden">Keyboard shortcuts</h2>
        <p>
          Keys:{" "}
          {SHORTCUTS.map((shortcut) => (
            <span key={shortcut.key}>
              <kbd>{shortcut.key}</kbd> {shortcut.does}{" "}
            </span>
          ))}
        </p>
      </footer>
    </>
  );
}

/** How long the script waits for the queue's first page before mounting without it. */
const PREFETCH_WAIT_MS = 200;

async function start() {
  // The queue's first answer is asked for now, beside the config, not after the first paint.
  if (parseRoute(location.pathname).page === "queue" && token() !== null) prefetch(queueApiPath(location.search));
  await loadConfig();
  // Mount with the queue's first page when it comes within a frame or so (the first frame then holds
  // the queue's top instead of an empty table painted first); a slow API does not hold the console.
  await prefetched(PREFETCH_WAIT_MS);
  interceptLinks();
  installShortcuts();
  const root = document.getElementById("app");
  if (root) {
    root.textContent = "";
    render(<App />, root);
  }
}

void start();
