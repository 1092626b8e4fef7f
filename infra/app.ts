import { App } from "aws-cdk-lib";
import { loadConfig } from "./config.js";
import { addNagChecks } from "./nag.js";
import { addVigilStacks } from "./vigil.js";

// `cdk synth` / `cdk deploy` entry point (cdk.json: `npx tsx infra/app.ts`). Configuration comes from CDK
// context (see config.ts); cdk-nag and the built-in CloudFormation validation run on every synth.
const app = new App();
addNagChecks(app);
addVigilStacks(app, loadConfig(app.node));
app.synth();
