/**
 * The dependency rule of docs/adr/0001-architecture.md, checked on every `npm run lint`:
 *
 *   functions → use-cases → domain;  use-cases → ports;  adapters → ports;
 *   infra references functions/ and workflows/ by path and imports nothing from src/ but the env-var names;
 *   local/ wires the real handlers and adapters to emulators; nothing in src/ or functions/ imports local/.
 *
 * Type-only imports count: a layer that names another layer's types depends on it.
 *
 * Known exceptions are listed in `pathNot` with the reason. Each is a move planned in issue 14 (layers); delete
 * the exception in the same change that does the move, and the rule then keeps it done.
 */

/** Known exceptions: from → to, each with why it is allowed today. */
const KNOWN = {
  // compose.ts is the composition root: it builds the use cases' `Deps` from adapters, so it names that type.
  composeToUseCases: "^src/adapters/compose\\.ts$",
};

module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment:
        "src/domain holds pure rules: it imports only itself and src/errors (plus npm packages such as mustache), " +
        "never ports, adapters, use cases, schemas, config, functions or local.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^(src/(?!domain/|errors/)|functions/|local/|infra/)" },
    },
    {
      name: "use-cases-through-ports",
      comment:
        "Use cases reach the world through src/ports; they never import an adapter, a function or local/. " +
        "They may name the parsed configuration (src/config): it is a leaf, and reaches them as a dependency.",
      severity: "error",
      from: { path: "^src/use-cases/" },
      to: { path: "^(src/adapters/|functions/|local/|infra/)" },
    },
    {
      name: "ports-are-interfaces",
      comment: "Ports are interfaces over the domain and schemas: no use case, adapter, function or local import.",
      severity: "error",
      from: { path: "^src/ports/" },
      // The metric registry is a list of names (what alarms watch), not configuration.
      to: { path: "^(src/(adapters|use-cases)/|src/config/(?!metric-names\\.ts$)|functions/|local/|infra/)" },
    },
    {
      name: "adapters-implement-ports",
      comment: "Adapters implement ports; they do not import use cases (except the known exceptions) or functions.",
      severity: "error",
      from: {
        path: "^src/adapters/",
        pathNot: [KNOWN.composeToUseCases],
      },
      to: { path: "^(src/use-cases/|functions/|local/|infra/)" },
    },
    {
      name: "known-adapter-exceptions-stay-narrow",
      comment: "The composition root names only the use cases' Deps type.",
      severity: "error",
      from: { path: KNOWN.composeToUseCases },
      to: { path: "^src/use-cases/(?!deps\\.ts$)" },
    },
    {
      name: "schemas-errors-config-are-leaves",
      comment: "Schemas, errors and config are read by every layer, so they import none of the layers above them.",
      severity: "error",
      from: { path: "^src/(schemas|errors|config)/" },
      to: { path: "^(src/(ports|adapters|use-cases)/|functions/|local/|infra/)" },
    },
    {
      name: "functions-compose-not-decide",
      comment:
        "Lambda entry points wire adapters to use cases; rules stay in the domain, reached through use cases. " +
        "No function imports another function, local/ or infra/.",
      severity: "error",
      from: { path: "^functions/" },
      to: { path: "^(src/domain/|src/ports/|functions/|local/|infra/|tests/|bench/|scripts/)" },
    },
    {
      name: "src-knows-no-runtime",
      comment: "Nothing in src/ knows whether it runs locally, in a test or under CDK.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(local/|infra/|tests/|bench/|scripts/|console/)" },
    },
    {
      name: "infra-only-env-names",
      comment:
        "infra/ references functions/ and workflows/ by path (strings, not imports) and imports nothing from src/ " +
        "but the shared names and constants the runtime reads too: env-var names, metric names, the console's CSP.",
      severity: "error",
      from: { path: "^infra/" },
      to: {
        path: "^(src/(?!config/(env-names|metric-names|console-csp)\\.ts$)|functions/|workflows/|local/|tests/|bench/|scripts/|console/)",
      },
    },
    {
      name: "console-only-contract-types",
      comment: "The console talks to the operator API only; from src/ it may name the contract's types (src/schemas).",
      severity: "error",
      from: { path: "^console/" },
      to: { path: "^(src/(?!schemas/)|functions/|local/|infra/)" },
    },
    {
      name: "no-test-code-in-production",
      comment: "Production code (src/, functions/, local/, infra/) never imports test code.",
      severity: "error",
      from: { path: "^(src|functions|local|infra)/" },
      to: { path: "^tests/" },
    },
    {
      name: "no-unresolvable",
      comment: "Every import resolves (`aws-lambda` is types only, from @types/aws-lambda).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "^aws-lambda$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Every tree the rules speak of, including console/ once it exists; tests/ is left out (it may import anything).
    includeOnly: { path: "^(src|functions|infra|local|console|scripts|bench)/" },
    // console/ is its own TSX build (swc here parses .ts only); its tsconfig and build keep it apart from src/.
    exclude: { path: "^(node_modules|cdk\\.out|\\.cdk-test-out|vendor|coverage|console)" },
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
