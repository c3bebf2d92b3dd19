/**
 * Every stack, composed from its own Pulumi.<stack>.yaml, run on the mock engine: the network and
 * encryption baseline contract, tags on every taggable resource, protection of keys in prod.
 */
import * as assert from "assert";
import { KEY_PURPOSES, keyPolicyStatements } from "../components/encryption-keys";
import { MOCK_ACCOUNT_ID, mockKeyArn, mockPhysicalName } from "../engine/mocks";
import { isTaggable } from "../lib/tags";
import { Recorded, policyDocument } from "./support/harness";
import { recordStack } from "./support/stacks";

const EXPECTED = {
    dev: { azs: 2, nat: "Single", cidr: "10.10.0.0/16", flowRetention: 14, protect: false },
    staging: { azs: 3, nat: "OnePerAz", cidr: "10.20.0.0/16", flowRetention: 90, protect: false },
    prod: { azs: 3, nat: "OnePerAz", cidr: "10.30.0.0/16", flowRetention: 365, protect: true },
} as const;

const runs = new Map<string, { recorded: Recorded; outputs: Record<string, unknown> }>();
async function run(name: keyof typeof EXPECTED): Promise<{ recorded: Recorded; outputs: Record<string, unknown> }> {
    if (!runs.has(name)) {
        const result = await recordStack(name);
        runs.set(name, { recorded: new Recorded(result.resources), outputs: result.outputs });
    }
    return runs.get(name) as { recorded: Recorded; outputs: Record<string, unknown> };
}
async function stack(name: keyof typeof EXPECTED): Promise<Recorded> {
    return (await run(name)).recorded;
}

for (const name of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
    const expected = EXPECTED[name];
    describe(`stack ${name}: network and encryption baseline`, () => {
        it("builds the VPC with awsx from config: CIDR, AZs, NAT strategy, three subnet tiers, gateway endpoints", async () => {
            const vpc = (await stack(name)).one("awsx:ec2:Vpc", "network-vpc");
            assert.deepStrictEqual(
                { ...vpc.inputs, tags: undefined },
                {
                    cidrBlock: expected.cidr,
                    numberOfAvailabilityZones: expected.azs,
                    natGateways: { strategy: expected.nat },
                    subnetStrategy: "Auto",
                    subnetSpecs: [
                        { type: "Public", name: "public", cidrMask: 24 },
                        { type: "Private", name: "private", cidrMask: 20 },
                        { type: "Isolated", name: "isolated", cidrMask: 24 },
                    ],
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    vpcEndpointStrategy: "Auto",
                    vpcEndpointSpecs: [
                        { serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" },
                        { serviceName: "com.amazonaws.eu-west-1.dynamodb", vpcEndpointType: "Gateway" },
                    ],
                    tags: undefined,
                },
            );
        });

        it("sends all VPC flow logs to a KMS-encrypted log group with the profile's retention", async () => {
            const r = await stack(name);
            const logs = r.one("aws:kms/key:Key", "keys-logs");
            const group = r.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
            assert.strictEqual(group.inputs.retentionInDays, expected.flowRetention);
            assert.strictEqual(group.inputs.kmsKeyId, mockKeyArn(logs.type, logs.name));
            const flow = r.one("aws:ec2/flowLog:FlowLog", "network-flow-logs");
            assert.deepStrictEqual(
                [flow.inputs.trafficType, flow.inputs.logDestinationType, flow.inputs.maxAggregationInterval, String(flow.inputs.vpcId).startsWith("vpc-")],
                ["ALL", "cloud-watch-logs", 60, true],
            );
            const policy = policyDocument(r.one("aws:iam/rolePolicy:RolePolicy", "network-flow-logs").inputs.policy);
            assert.deepStrictEqual(policy.Statement[0].Action, ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
            const groupArn = `arn:aws:logs:eu-west-1:${MOCK_ACCOUNT_ID}:log-group:${mockPhysicalName("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")}`;
            assert.deepStrictEqual(policy.Statement[0].Resource, [groupArn, `${groupArn}:*`]);
        });

        it("creates five customer-managed keys with rotation, aliases and per-purpose key policies", async () => {
            const r = await stack(name);
            const keys = r.ofType("aws:kms/key:Key").filter((k) => k.parent?.endsWith("::keys"));
            assert.deepStrictEqual(
                keys.map((k) => k.name),
                ["keys-logs", "keys-data", "keys-messaging", "keys-storage", "keys-app"],
            );
            for (const key of keys) {
                assert.deepStrictEqual(
                    [key.inputs.enableKeyRotation, key.inputs.rotationPeriodInDays, key.inputs.deletionWindowInDays, key.inputs.keyUsage],
                    [true, 365, 30, "ENCRYPT_DECRYPT"],
                );
                const statements = policyDocument(key.inputs.policy).Statement;
                assert.deepStrictEqual(statements[0], {
                    Sid: "EnableAccountRootAdministration",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` },
                    Action: ["kms:*"],
                    Resource: ["*"],
                });
            }
            // Each key carries exactly its purpose's policy (the statements themselves are pinned,
            // literally, in tests/components/encryption-keys.test.ts) for the stack's account and Region.
            for (const purpose of KEY_PURPOSES) {
                assert.deepStrictEqual(
                    policyDocument(r.one("aws:kms/key:Key", `keys-${purpose}`).inputs.policy).Statement,
                    keyPolicyStatements(purpose, MOCK_ACCOUNT_ID, "eu-west-1"),
                    purpose,
                );
            }
            assert.deepStrictEqual(
                r.ofType("aws:kms/alias:Alias").map((a) => a.inputs.name),
                ["logs", "data", "messaging", "storage", "app"].map((p) => `alias/platform-${name}-${p}`),
            );
        });

        it(`keys are ${expected.protect ? "" : "not "}protected and retained on delete`, async () => {
            for (const key of (await stack(name)).ofType("aws:kms/key:Key").filter((k) => k.parent?.endsWith("::keys"))) {
                assert.deepStrictEqual([key.protect, key.retainOnDelete], [expected.protect, expected.protect], key.name);
            }
        });

        it("tags every taggable resource with environment, project, component and managed-by", async () => {
            const taggable = (await stack(name)).all.filter((res) => isTaggable(res.type));
            assert.ok(taggable.length > 0);
            for (const res of taggable) {
                const tags = res.inputs.tags as Record<string, string> | undefined;
                assert.ok(tags, `${res.type} ${res.name} has no tags`);
                assert.strictEqual(tags.environment, name, res.name);
                assert.strictEqual(tags.project, "platform", res.name);
                assert.strictEqual(tags["managed-by"], "pulumi", res.name);
                assert.match(tags.component, /^[A-Z][A-Za-z]+$/, `${res.name} component tag`);
            }
            const untaggable = (await stack(name)).all.filter((res) => res.custom && !isTaggable(res.type));
            for (const res of untaggable) {
                assert.strictEqual(res.inputs.tags, undefined, `${res.type} does not accept tags but got some`);
            }
        });
    });
}

describe("stacks: environment differences live only in config", () => {
    it("dev and prod differ exactly by what their config enables", async () => {
        const types = async (n: keyof typeof EXPECTED) => new Set(Object.keys((await stack(n)).countByType()));
        const dev = await types("dev");
        const prod = await types("prod");
        // dev: mTLS truststore object (apiMtlsTruststoreFile).
        assert.deepStrictEqual([...dev].filter((t) => !prod.has(t)).sort(), ["aws:s3/bucketObjectv2:BucketObjectv2"]);
        // prod: the CDN (cdnEnabled), SNS subscriptions (notificationsEnabled, alarmEmails). Both have
        // usage plans (apiUsagePlans: the payment provider's async route).
        assert.deepStrictEqual([...prod].filter((t) => !dev.has(t)).sort(), [
            "aws:cloudfront/distribution:Distribution",
            "aws:cloudfront/originAccessControl:OriginAccessControl",
            "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
            "aws:cloudwatch/logDelivery:LogDelivery",
            "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
            "aws:cloudwatch/logDeliverySource:LogDeliverySource",
            "aws:kms/keyPolicy:KeyPolicy",
            "aws:sns/topicSubscription:TopicSubscription",
            "platform:edge:EdgeCdn",
        ]);
    });
});

describe("stacks: CDN outputs", () => {
    for (const name of ["staging", "prod"] as const) {
        it(`${name} exports the distribution id and domain, the site bucket and the us-east-1 alarm topic, equal to the resources`, async () => {
            const { recorded, outputs } = await run(name);
            const distribution = recorded.one("aws:cloudfront/distribution:Distribution", "edge-cdn");
            const bucket = recorded.one("aws:s3/bucket:Bucket", "edge-site");
            const topic = recorded.one("aws:sns/topic:Topic", "alarms-us-east-1-topic");
            assert.deepStrictEqual(
                [outputs.cdnDistributionId, outputs.cdnDomainName, outputs.cdnSiteBucketName, outputs.cdnAlarmTopicArn],
                [distribution.id, distribution.state.domainName, bucket.state.bucket, topic.state.arn],
            );
        });
    }

    it("dev (no CDN) exports none of them", async () => {
        const { outputs } = await run("dev");
        assert.deepStrictEqual(
            Object.keys(outputs).filter((key) => key.startsWith("cdn")),
            [],
        );
    });
});
