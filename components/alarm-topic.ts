/**
 * AlarmTopic: where the platform's CloudWatch alarms go. An SNS topic encrypted with a customer
 * managed key (the AWS-managed aws/sns key cannot be used by CloudWatch), publishable only by
 * CloudWatch alarms of this account, TLS-only, with e-mail subscribers from config (each confirms by
 * mail).
 *
 * CloudWatch alarm actions must be in the alarm's Region, so one topic serves one Region. The
 * program creates one in the stack's Region (encrypted with the stack's `messaging` key) and, when
 * the CDN is enabled, a second one in us-east-1 for CloudFront's alarms (`region: "us-east-1"`, the
 * @pulumi/aws v7 per-resource Region argument). KMS keys are regional too, so that second topic gets
 * its own us-east-1 key, created here with rotation and a policy that lets this account's CloudWatch
 * alarms use it (Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS
 * services and encrypted topics": the publishing service needs kms:GenerateDataKey* and kms:Decrypt).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../config/problems";
import { PolicyStatement, denyInsecureTransport, policyJson } from "../lib/iam";
import { AWS_PARTITION_REGION } from "../lib/naming";

export interface AlarmTopicArgs {
    /**
     * Region of the topic, its policy, its subscriptions and (when created here) its key. Alarms can
     * only notify a topic in their own Region: CloudFront's alarms live in us-east-1.
     * @default the provider's Region (the stack's `aws:region`)
     */
    readonly region?: string;
    /**
     * ARN of an existing customer-managed key in the topic's Region whose key policy lets
     * cloudwatch.amazonaws.com use it (the stack's `messaging` key does).
     * @default a key created by the component in the topic's Region, with rotation and a policy that lets this account's CloudWatch alarms use it
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /**
     * E-mail addresses subscribed to every alarm and OK notification.
     * @default [] (the topic exists; subscribe a pager or chat integration outside the platform)
     */
    readonly emails?: readonly string[];
    /**
     * Waiting period before the created key is deleted, 7-30 days. Only with a created key.
     * @default 30
     */
    readonly keyDeletionWindowDays?: number;
    /**
     * `protect` and `retainOnDelete` on the created key. Only with a created key.
     * @default false
     */
    readonly protect?: boolean;
}

export const ALARM_TOPIC_DEFAULTS = {
    keyDeletionWindowDays: 30,
    protect: false,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateAlarmTopicArgs(args: AlarmTopicArgs): Problems {
    const problems = new Problems();
    (args.emails ?? []).forEach((email, i) => problems.check(EMAIL.test(email), `AlarmTopicArgs.emails[${i}]`, email, "must be an e-mail address", "correct the address"));
    if (args.region !== undefined) {
        problems.check(
            AWS_PARTITION_REGION.test(args.region),
            "AlarmTopicArgs.region",
            args.region,
            "must be a Region of the aws partition such as us-east-1",
            "correct the Region, or leave it unset for the stack's",
        );
    }
    if (typeof args.kmsKeyArn === "string" && args.region !== undefined) {
        const keyRegion = args.kmsKeyArn.split(":")[3];
        problems.check(
            keyRegion === args.region,
            "AlarmTopicArgs.kmsKeyArn",
            args.kmsKeyArn,
            `must be a key in the topic's Region ${args.region} (KMS keys are regional and SNS encrypts with a key of its own Region)`,
            "pass a key created in that Region, or leave kmsKeyArn unset to have one created",
        );
    }
    if (args.kmsKeyArn !== undefined) {
        for (const field of ["keyDeletionWindowDays", "protect"] as const) {
            problems.check(
                args[field] === undefined,
                `AlarmTopicArgs.${field}`,
                args[field],
                "applies only to the key the component creates, and kmsKeyArn passes an existing one",
                `remove ${field}, or remove kmsKeyArn`,
            );
        }
    }
    const window = args.keyDeletionWindowDays ?? ALARM_TOPIC_DEFAULTS.keyDeletionWindowDays;
    problems.check(
        Number.isInteger(window) && window >= 7 && window <= 30,
        "AlarmTopicArgs.keyDeletionWindowDays",
        window,
        "must be an integer from 7 to 30 days (KMS limit)",
        "use 30",
    );
    return problems;
}

export class AlarmTopic extends pulumi.ComponentResource {
    /** ARN of the topic: pass it to components as `alarmTopicArn`. */
    public readonly topicArn: pulumi.Output<string>;
    /** Region of the topic, as a plain value, so consumers can check it before creating anything (undefined if no Region is configured). */
    public readonly region: string | undefined;
    /** ARN of the key that encrypts the topic (the one passed, or the one created). */
    public readonly kmsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:operations:AlarmTopic", name, {}, opts);
        validateAlarmTopicArgs(args).throwIfAny(`AlarmTopic ${name}`);

        const d = ALARM_TOPIC_DEFAULTS;
        // Spread into every child, so all of them live in the topic's Region.
        const inRegion = args.region !== undefined ? { region: args.region } : {};
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        let kmsKeyArn: pulumi.Output<string>;
        if (args.kmsKeyArn !== undefined) {
            kmsKeyArn = pulumi.output(args.kmsKeyArn);
        } else {
            const protect = args.protect ?? d.protect;
            const partition = aws.getPartitionOutput({}, { parent: this }).partition;
            const key = new aws.kms.Key(
                `${name}-key`,
                {
                    description: `AlarmTopic ${name}: encrypts the alarm topic; this account's CloudWatch alarms may use it to publish`,
                    enableKeyRotation: true,
                    deletionWindowInDays: args.keyDeletionWindowDays ?? d.keyDeletionWindowDays,
                    // In a key policy, Resource "*" means "this key".
                    policy: policyJson(
                        pulumi.all([partition, account]).apply(([part, accountId]): PolicyStatement[] => [
                            {
                                Sid: "EnableRootAccountAdministration",
                                Effect: "Allow",
                                Principal: { AWS: `arn:${part}:iam::${accountId}:root` },
                                Action: ["kms:*"],
                                Resource: ["*"],
                            },
                            {
                                Sid: "AllowCloudWatchAlarmsOfThisAccount",
                                Effect: "Allow",
                                Principal: { Service: "cloudwatch.amazonaws.com" },
                                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                                Resource: ["*"],
                                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                            },
                        ]),
                    ),
                    ...inRegion,
                },
                { parent: this, protect, retainOnDelete: protect },
            );
            kmsKeyArn = key.arn;
        }

        const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: kmsKeyArn, ...inRegion }, { parent: this });
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
                ...inRegion,
            },
            { parent: this },
        );
        for (const email of args.emails ?? []) {
            new aws.sns.TopicSubscription(
                `${name}-${email.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
                { topic: topic.arn, protocol: "email", endpoint: email, ...inRegion },
                { parent: this },
            );
        }

        this.topicArn = topic.arn;
        this.region = args.region ?? aws.config.region;
        this.kmsKeyArn = kmsKeyArn;
        this.registerOutputs({ topicArn: this.topicArn, kmsKeyArn: this.kmsKeyArn });
    }
}
