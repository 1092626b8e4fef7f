import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dynamoLeadingKeys, transactionCalls } from "../../../local/aws-front.js";
import { isAllowed } from "../../../local/iam/evaluate.js";
import type { Statement } from "../../../local/iam/template.js";
import { countryOfPhone, OptOutList, smsAllowedCountries, smsRefusal } from "../../../local/sms-policy.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("the local SMS rules", () => {
  it("reads smsAllowedCountries with infra's default (US) when no context sets it", () => {
    // Prepare / Act
    const countries = smsAllowedCountries(ROOT, undefined);

    // Assess
    expect(countries).toEqual(["US"]);
  });

  it("refuses a UK number as the protect configuration does and sends to a US number", () => {
    // Prepare
    const rules = { allowedCountries: ["US"], optOuts: undefined };

    // Act
    const uk = smsRefusal({ DestinationPhoneNumber: "+447700900123", ProtectConfigurationId: "protect-local" }, rules);
    const noProtect = smsRefusal({ DestinationPhoneNumber: "+447700900123" }, rules);
    const us = smsRefusal({ DestinationPhoneNumber: "+14155550100", ProtectConfigurationId: "protect-local" }, rules);

    // Assess
    expect(uk).toMatchObject({
      __type: "ConflictException",
      Reason: "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
    });
    expect(noProtect).toMatchObject({ __type: "ValidationException", Reason: "DESTINATION_COUNTRY_BLOCKED" });
    expect(us).toBeUndefined();
  });

  it("tells Canada from the US inside +1", () => {
    expect(countryOfPhone("+14165550100")).toBe("CA");
    expect(countryOfPhone("+12125550100")).toBe("US");
  });

  it("refuses an opted-out number with DESTINATION_PHONE_NUMBER_OPTED_OUT", () => {
    // Prepare
    const optOuts = new OptOutList(join(mkdtempSync(join(tmpdir(), "vigil-optout-")), "opt-outs.json"));
    optOuts.add("+14155550111");

    // Act
    const refusal = smsRefusal({ DestinationPhoneNumber: "+14155550111" }, { allowedCountries: ["US"], optOuts });

    // Assess
    expect(refusal).toMatchObject({ __type: "ConflictException", Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT" });
  });
});

describe("IAM evaluation of a role's statements", () => {
  const timer = "arn:aws:states:eu-west-1:000000000000:execution:vigil-timer";
  const statements: Statement[] = [
    { Effect: "Allow", Action: ["states:StopExecution"], Resource: [`${timer}:*`] },
    { Effect: "Allow", Action: ["dynamodb:Get*"], Resource: ["arn:aws:dynamodb:eu-west-1:000000000000:table/vigil"] },
    {
      Effect: "Allow",
      Action: ["ses:SendEmail"],
      Resource: ["*"],
      Condition: { StringEquals: { "ses:FromAddress": "x@y" } },
    },
    { Effect: "Deny", Action: ["dynamodb:GetItem"], Resource: ["*"] },
  ];

  it("allows an execution of the granted machine and refuses one of another machine", () => {
    expect(isAllowed(statements, "states:StopExecution", `${timer}:c_1`)).toBe(true);
    expect(
      isAllowed(statements, "states:StopExecution", "arn:aws:states:eu-west-1:000000000000:execution:vigil-case:c_1"),
    ).toBe(false);
  });

  it("matches actions without regard to case and resources exactly, and an explicit Deny wins", () => {
    expect(isAllowed(statements, "DynamoDB:getitem", "arn:aws:dynamodb:eu-west-1:000000000000:table/vigil")).toBe(
      false,
    );
    expect(isAllowed(statements, "dynamodb:GetRecords", "arn:aws:dynamodb:eu-west-1:000000000000:table/vigil")).toBe(
      true,
    );
    expect(isAllowed(statements, "dynamodb:GetRecords", "arn:aws:dynamodb:eu-west-1:000000000000:table/Vigil")).toBe(
      false,
    );
  });

  it("grants nothing through an Allow whose condition it cannot evaluate", () => {
    expect(isAllowed(statements, "ses:SendEmail", "arn:aws:ses:eu-west-1:000000000000:identity/vigil.local")).toBe(
      false,
    );
  });

  it("holds a public writer to its partitions through dynamodb:LeadingKeys, as the narrowed grant reads", () => {
    // Prepare: the statement bindTableNarrow synthesizes (infra/constructs/app-function.ts)
    const table = "arn:aws:dynamodb:eu-west-1:000000000000:table/vigil";
    const narrowed: Statement[] = [
      {
        Effect: "Allow",
        Action: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        Resource: [table],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["CASE#*", "LINK#*"] } },
      },
    ];
    const put = (pk: string) => dynamoLeadingKeys("PutItem", { Item: { pk: { S: pk }, sk: { S: "x" } } });

    // Act
    const ownPartition = isAllowed(narrowed, "dynamodb:PutItem", table, { "dynamodb:LeadingKeys": put("CASE#c_1") });
    const otherPartition = isAllowed(narrowed, "dynamodb:PutItem", table, { "dynamodb:LeadingKeys": put("OPS#x") });
    const unknownKeys = isAllowed(narrowed, "dynamodb:UpdateItem", table, {});
    const deleteItem = isAllowed(narrowed, "dynamodb:DeleteItem", table, { "dynamodb:LeadingKeys": ["CASE#c_1"] });

    // Assess
    expect(ownPartition).toBe(true);
    expect(otherPartition).toBe(false);
    expect(unknownKeys).toBe(false);
    expect(deleteItem).toBe(false);
  });

  it("names the partition keys of item, batch and base-table query requests, and none of an index query", () => {
    expect(dynamoLeadingKeys("UpdateItem", { Key: { pk: { S: "LINK#a" }, sk: { S: "b" } } })).toEqual(["LINK#a"]);
    expect(
      dynamoLeadingKeys("BatchWriteItem", {
        RequestItems: {
          vigil: [{ PutRequest: { Item: { pk: { S: "A" } } } }, { DeleteRequest: { Key: { pk: { S: "B" } } } }],
        },
      }),
    ).toEqual(["A", "B"]);
    expect(
      dynamoLeadingKeys("Query", {
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :sk)",
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk" },
        ExpressionAttributeValues: { ":pk": { S: "CASE#c_1" }, ":sk": { S: "AUDIT#" } },
      }),
    ).toEqual(["CASE#c_1"]);
    expect(dynamoLeadingKeys("Query", { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :v" })).toBeUndefined();
    expect(dynamoLeadingKeys("Scan", {})).toBeUndefined();
  });

  it("authorizes a TransactWriteItems action by action, each as its single-item operation with its partition key", () => {
    // Act
    const calls = transactionCalls(
      JSON.stringify({
        TransactItems: [
          { Put: { TableName: "vigil", Item: { pk: { S: "CASE#c_1" }, sk: { S: "CASE" } } } },
          { Delete: { TableName: "vigil", Key: { pk: { S: "WEBHOOK#m" }, sk: { S: "WEBHOOK" } } } },
          { ConditionCheck: { TableName: "vigil", Key: { pk: { S: "ACCOUNT#a" }, sk: { S: "OPEN_CASE" } } } },
        ],
      }),
    );

    // Assess
    expect(calls.map((call) => [call.action, call.context?.["dynamodb:LeadingKeys"]])).toEqual([
      ["dynamodb:PutItem", ["CASE#c_1"]],
      ["dynamodb:DeleteItem", ["WEBHOOK#m"]],
      ["dynamodb:ConditionCheckItem", ["ACCOUNT#a"]],
    ]);
    expect(calls[0]?.resources).toEqual([expect.stringMatching(/:table\/vigil$/)]);
  });
});
