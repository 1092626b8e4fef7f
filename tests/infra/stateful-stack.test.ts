import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { TABLE_INDEXES, TTL_ATTRIBUTE } from "../../infra/stacks/stateful-stack.js";
import { type SynthesizedVigil, synthesizeVigil } from "./fixtures.js";

describe("StatefulStack", () => {
  let vigil: SynthesizedVigil;

  beforeAll(() => {
    vigil = synthesizeVigil();
  });

  it("keeps one retained, protected, point-in-time-recoverable table with a TTL attribute", () => {
    // Prepare
    const template = vigil.statefulTemplate;

    // Act
    const tables = template.findResources("AWS::DynamoDB::Table");

    // Assess
    expect(Object.keys(tables)).toHaveLength(1);
    template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "RetainExceptOnCreate",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({
        BillingMode: "PAY_PER_REQUEST",
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    });
  });

  it("indexes cases by status and SLA due time and sparsely by pending workflow start", () => {
    // Prepare
    const template = vigil.statefulTemplate;

    // Act
    const [table] = Object.values(template.findResources("AWS::DynamoDB::Table")) as {
      Properties: {
        GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown[]; Projection: { ProjectionType: string } }[];
        AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
      };
    }[];

    // Assess
    const indexes = table?.Properties.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(Object.values(TABLE_INDEXES).sort());
    expect(indexes.find((index) => index.IndexName === "gsi1")).toEqual({
      IndexName: "gsi1",
      KeySchema: [
        { AttributeName: "gsi1pk", KeyType: "HASH" },
        { AttributeName: "gsi1sk", KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    });
    expect(indexes.find((index) => index.IndexName === "gsi2")?.KeySchema).toEqual([
      { AttributeName: "gsi2pk", KeyType: "HASH" },
      { AttributeName: "gsi2sk", KeyType: "RANGE" },
    ]);
    // The search indexes hold keys only: no case document, so no clear-text email, enters them.
    for (const name of ["gsi3", "gsi4"]) {
      expect(indexes.find((index) => index.IndexName === name)).toEqual({
        IndexName: name,
        KeySchema: [
          { AttributeName: `${name}pk`, KeyType: "HASH" },
          { AttributeName: `${name}sk`, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "KEYS_ONLY" },
      });
    }
    // Every key attribute is a string, which is what the key module writes.
    expect(table?.Properties.AttributeDefinitions.every((attribute) => attribute.AttributeType === "S")).toBe(true);
  });

  it("keeps audit anchors in an Object Lock bucket in compliance mode, signed by a retained P-256 key", () => {
    // Prepare
    const template = synthesizeVigil({ anchorRetentionDays: 400 }).statefulTemplate;

    // Act
    const buckets = Object.values(template.findResources("AWS::S3::Bucket"));
    const keys = Object.values(template.findResources("AWS::KMS::Key"));

    // Assess
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.Properties.ObjectLockEnabled).toBe(true);
    expect(buckets[0]?.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 400 } },
    });
    expect(buckets[0]?.DeletionPolicy).toBe("RetainExceptOnCreate");
    expect(keys).toHaveLength(1);
    expect(keys[0]?.Properties).toMatchObject({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    expect(keys[0]?.DeletionPolicy).toBe("RetainExceptOnCreate");
  });
});
