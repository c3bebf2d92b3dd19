import * as assert from "assert";
import { AlarmTopic } from "../../components/alarm-topic";
import { ValidationError } from "../../config/problems";
import { MOCK_ACCOUNT_ID } from "../../engine/mocks";
import { policyDocument, record, resolveOutput } from "../support/harness";

const KEY = `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;

describe("AlarmTopic", () => {
    it("creates a CMK-encrypted topic that only this account's CloudWatch alarms may publish to, over TLS, with e-mail subscribers", async () => {
        const { value, resources } = await record(() => new AlarmTopic("alarms", { messagingKmsKeyArn: KEY, emails: ["oncall@example.com"] }));
        assert.deepStrictEqual(resources.countByType(), {
            "pulumi:pulumi:Stack": 1,
            "platform:operations:AlarmTopic": 1,
            "aws:sns/topic:Topic": 1,
            "aws:sns/topicPolicy:TopicPolicy": 1,
            "aws:sns/topicSubscription:TopicSubscription": 1,
        });
        const topic = resources.one("aws:sns/topic:Topic", "alarms-topic");
        assert.strictEqual(topic.inputs.kmsMasterKeyId, KEY);
        const topicArn = await resolveOutput(value.topicArn);
        assert.strictEqual(topicArn, topic.state.arn);
        const policy = resources.one("aws:sns/topicPolicy:TopicPolicy");
        assert.strictEqual(policy.inputs.arn, topicArn);
        assert.deepStrictEqual(policyDocument(policy.inputs.policy).Statement, [
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
        ]);
        const subscription = resources.one("aws:sns/topicSubscription:TopicSubscription", "alarms-oncall-example-com");
        assert.deepStrictEqual([subscription.inputs.topic, subscription.inputs.protocol, subscription.inputs.endpoint], [topicArn, "email", "oncall@example.com"]);
    });

    it("rejects a malformed address before creating anything", async () => {
        await assert.rejects(
            record(() => new AlarmTopic("alarms", { messagingKmsKeyArn: KEY, emails: ["nobody"] })),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.strictEqual(err.problems[0].key, "AlarmTopicArgs.emails[0]");
                assert.match(err.message, /AlarmTopicArgs\.emails\[0\] = "nobody": must be an e-mail address\. Fix: correct the address/);
                return true;
            },
        );
    });
});
