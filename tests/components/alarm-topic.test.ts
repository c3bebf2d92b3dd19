import * as assert from "assert";
import { AlarmTopic, validateAlarmTopicArgs } from "../../components/alarm-topic";
import { ValidationError, formatProblem } from "../../config/problems";
import { MOCK_ACCOUNT_ID } from "../../engine/mocks";
import { policyDocument, record, resolveOutput } from "../support/harness";

const KEY = `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;
const ROOT = `arn:aws:iam::${MOCK_ACCOUNT_ID}:root`;

const T = {
    key: "aws:kms/key:Key",
    topic: "aws:sns/topic:Topic",
    policy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

function topicPolicyStatements(topicArn: string) {
    return [
        {
            Sid: "AllowCloudWatchAlarmsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["sns:Publish"],
            Resource: [topicArn],
            Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
        },
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: ["sns:Publish", "sns:Subscribe"],
            Resource: [topicArn],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ];
}

function messages(args: Parameters<typeof validateAlarmTopicArgs>[0]): string[] {
    return validateAlarmTopicArgs(args).list.map(formatProblem);
}

describe("AlarmTopic", () => {
    it("with an existing key: a CMK-encrypted topic in the stack's Region that only this account's CloudWatch alarms may publish to, over TLS, with e-mail subscribers", async () => {
        const { value, resources } = await record(() => new AlarmTopic("alarms", { kmsKeyArn: KEY, emails: ["oncall@example.com"] }));
        assert.deepStrictEqual(resources.countByType(), {
            "pulumi:pulumi:Stack": 1,
            "platform:operations:AlarmTopic": 1,
            [T.topic]: 1,
            [T.policy]: 1,
            [T.subscription]: 1,
        });
        const topic = resources.one(T.topic, "alarms-topic");
        assert.deepStrictEqual(topic.inputs, { kmsMasterKeyId: KEY });
        const topicArn = await resolveOutput(value.topicArn);
        assert.strictEqual(topicArn, topic.state.arn);
        assert.match(topicArn, new RegExp(`^arn:aws:sns:eu-west-1:${MOCK_ACCOUNT_ID}:`));
        assert.strictEqual(value.region, "eu-west-1", "the provider's Region");
        assert.strictEqual(await resolveOutput(value.kmsKeyArn), KEY);
        const policy = resources.one(T.policy);
        assert.strictEqual(policy.inputs.arn, topicArn);
        assert.strictEqual(policy.inputs.region, undefined);
        assert.deepStrictEqual(policyDocument(policy.inputs.policy).Statement, topicPolicyStatements(topicArn));
        const subscription = resources.one(T.subscription, "alarms-oncall-example-com");
        assert.deepStrictEqual(subscription.inputs, { topic: topicArn, protocol: "email", endpoint: "oncall@example.com" });
    });

    describe("in us-east-1 with its own key (CloudFront's alarms), from a stack in eu-west-1", () => {
        let run: Awaited<ReturnType<typeof record<AlarmTopic>>>;
        before(async () => {
            run = await record(() => new AlarmTopic("alarms-us-east-1", { region: "us-east-1", emails: ["oncall@example.com"], keyDeletionWindowDays: 7, protect: true }), {
                region: "eu-west-1",
            });
        });

        it("creates the key, the topic, its policy and the subscription, every one in us-east-1", () => {
            assert.deepStrictEqual(run.resources.countByType(), {
                "pulumi:pulumi:Stack": 1,
                "platform:operations:AlarmTopic": 1,
                [T.key]: 1,
                [T.topic]: 1,
                [T.policy]: 1,
                [T.subscription]: 1,
            });
            for (const resource of run.resources.all.filter((r) => r.custom)) {
                assert.strictEqual(resource.inputs.region, "us-east-1", `${resource.type} ${resource.name}`);
            }
            assert.strictEqual(run.value.region, "us-east-1");
        });

        it("encrypts the topic with a rotating us-east-1 key that only the account (root) administers and this account's CloudWatch alarms may use", async () => {
            const key = run.resources.one(T.key, "alarms-us-east-1-key");
            const keyArn = await resolveOutput(run.value.kmsKeyArn);
            assert.strictEqual(keyArn, key.state.arn);
            assert.match(keyArn, new RegExp(`^arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/`));
            assert.deepStrictEqual([key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays, key.protect, key.retainOnDelete], [true, 7, true, true]);
            assert.deepStrictEqual(policyDocument(key.inputs.policy).Statement, [
                { Sid: "EnableRootAccountAdministration", Effect: "Allow", Principal: { AWS: ROOT }, Action: ["kms:*"], Resource: ["*"] },
                {
                    Sid: "AllowCloudWatchAlarmsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                    Resource: ["*"],
                    Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
                },
            ]);
            const topic = run.resources.one(T.topic, "alarms-us-east-1-topic");
            assert.deepStrictEqual(topic.inputs, { kmsMasterKeyId: keyArn, region: "us-east-1" });
        });

        it("lets only this account's CloudWatch alarms publish, over TLS, and mails the same recipients", async () => {
            const topicArn = await resolveOutput(run.value.topicArn);
            assert.match(topicArn, new RegExp(`^arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:`));
            const policy = run.resources.one(T.policy, "alarms-us-east-1-topic-policy");
            assert.strictEqual(policy.inputs.arn, topicArn);
            assert.deepStrictEqual(policyDocument(policy.inputs.policy).Statement, topicPolicyStatements(topicArn));
            assert.deepStrictEqual(run.resources.one(T.subscription, "alarms-us-east-1-oncall-example-com").inputs, {
                topic: topicArn,
                protocol: "email",
                endpoint: "oncall@example.com",
                region: "us-east-1",
            });
        });
    });

    it("creates its key unprotected, with a 30-day window, by default", async () => {
        const { resources } = await record(() => new AlarmTopic("alarms", {}));
        const key = resources.one(T.key, "alarms-key");
        assert.deepStrictEqual([key.inputs.deletionWindowInDays, key.protect, key.retainOnDelete, key.inputs.region], [30, false, false, undefined]);
    });

    describe("validation", () => {
        it("rejects a malformed address before creating anything", async () => {
            await assert.rejects(
                record(() => new AlarmTopic("alarms", { kmsKeyArn: KEY, emails: ["nobody"] })),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepStrictEqual(
                        err.problems.map((p) => p.key),
                        ["AlarmTopicArgs.emails[0]"],
                    );
                    assert.match(err.message, /AlarmTopicArgs\.emails\[0\] = "nobody": must be an e-mail address\. Fix: correct the address/);
                    return true;
                },
            );
        });

        it("rejects a malformed Region", () => {
            assert.deepStrictEqual(messages({ region: "us-east" }), [
                'AlarmTopicArgs.region = "us-east": must be a Region of the aws partition such as us-east-1. Fix: correct the Region, or leave it unset for the stack\'s',
            ]);
        });

        it("rejects a key from another Region than the topic's", () => {
            assert.deepStrictEqual(messages({ region: "us-east-1", kmsKeyArn: KEY }), [
                `AlarmTopicArgs.kmsKeyArn = "${KEY}": must be a key in the topic's Region us-east-1 (KMS keys are regional and SNS encrypts with a key of its own Region). Fix: pass a key created in that Region, or leave kmsKeyArn unset to have one created`,
            ]);
        });

        it("rejects settings of a created key next to an existing key, and a deletion window outside 7-30", () => {
            assert.deepStrictEqual(messages({ kmsKeyArn: KEY, keyDeletionWindowDays: 7, protect: true }), [
                "AlarmTopicArgs.keyDeletionWindowDays = 7: applies only to the key the component creates, and kmsKeyArn passes an existing one. Fix: remove keyDeletionWindowDays, or remove kmsKeyArn",
                "AlarmTopicArgs.protect = true: applies only to the key the component creates, and kmsKeyArn passes an existing one. Fix: remove protect, or remove kmsKeyArn",
            ]);
            assert.deepStrictEqual(messages({ keyDeletionWindowDays: 31 }), [
                "AlarmTopicArgs.keyDeletionWindowDays = 31: must be an integer from 7 to 30 days (KMS limit). Fix: use 30",
            ]);
        });
    });
});
