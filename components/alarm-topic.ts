/**
 * AlarmTopic: where the platform's CloudWatch alarms go. An SNS topic encrypted with the messaging
 * CMK (the AWS-managed aws/sns key cannot be used by CloudWatch), publishable only by CloudWatch
 * alarms of this account, TLS-only, with e-mail subscribers from config (each confirms by mail).
 * Regional: CloudFront's alarms live in us-east-1 and cannot publish to it (EdgeCdn documents that).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../config/problems";
import { PolicyStatement, denyInsecureTransport, policyJson } from "../lib/iam";

export interface AlarmTopicArgs {
    /** ARN of the `messaging` CMK; its key policy lets cloudwatch.amazonaws.com use it. */
    readonly messagingKmsKeyArn: pulumi.Input<string>;
    /**
     * E-mail addresses subscribed to every alarm and OK notification.
     * @default [] (the topic exists; subscribe a pager or chat integration outside the platform)
     */
    readonly emails?: readonly string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateAlarmTopicArgs(args: AlarmTopicArgs): Problems {
    const problems = new Problems();
    (args.emails ?? []).forEach((email, i) => problems.check(EMAIL.test(email), `AlarmTopicArgs.emails[${i}]`, email, "must be an e-mail address", "correct the address"));
    return problems;
}

export class AlarmTopic extends pulumi.ComponentResource {
    /** ARN of the topic: pass it to components as `alarmTopicArn`. */
    public readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:operations:AlarmTopic", name, {}, opts);
        validateAlarmTopicArgs(args).throwIfAny(`AlarmTopic ${name}`);

        const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.messagingKmsKeyArn }, { parent: this });
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                arn: topic.arn,
                policy: policyJson(
                    pulumi.all([topic.arn, account]).apply(([topicArn, accountId]): PolicyStatement[] => [
                        {
                            Sid: "AllowCloudWatchAlarmsOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: ["sns:Publish"],
                            Resource: [topicArn],
                            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                        },
                        denyInsecureTransport(["sns:Publish", "sns:Subscribe"], [topicArn]),
                    ]),
                ),
            },
            { parent: this },
        );
        for (const email of args.emails ?? []) {
            new aws.sns.TopicSubscription(
                `${name}-${email.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                { parent: this },
            );
        }

        this.topicArn = topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}
