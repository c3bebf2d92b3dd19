/**
 * EventBus: asynchronous, event-driven communication.
 *
 * A custom EventBridge bus (customer-managed key, archive for replay, account-only bus policy,
 * its own dead-letter queue for encryption errors) and, per subscription, a rule that delivers
 * matching events to an SQS queue:
 *
 *   PutEvents -> bus -> rule (pattern) -> target (retry policy) -> queue -> consumer service
 *                                              |                      |
 *                             delivery failures v     processing failures v (maxReceiveCount)
 *                                        delivery DLQ (standard)      redrive DLQ (FIFO if the queue is)
 *
 * Optionally an SNS topic fans out to the queues of named subscriptions. Every queue and topic is
 * encrypted with the `messaging` CMK (AWS managed aws/sqs and aws/sns keys cannot be used when
 * EventBridge or SNS publish) and denies requests without TLS; every DLQ and every rule has an
 * alarm. Consumers get least-privilege statements for exactly their queue.
 *
 * Why hand-written rather than awsx: awsx has no EventBridge/SQS components, and the queue, DLQ and
 * policy wiring is the security surface we want to review and test statement by statement.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problem, Problems, ValidationError } from "../config/problems";
import { PolicyStatement, arnParts, denyInsecureTransport, policyJson, viaServiceCondition } from "../lib/iam";
import { AUTONAME_SUFFIX_LENGTH, DNS_LABEL } from "../lib/naming";

/** One subscription: a rule on the bus and the queue it delivers to (mirrors config EventSubscriptionConfig). */
export interface EventSubscriptionArgs {
    /** Subscription name: a DNS label, unique in the bus; names the rule, the queues and the alarms. */
    readonly name: string;
    /** Event `source` values the rule matches (at least one). */
    readonly sources: readonly string[];
    /** Event `detail-type` values the rule matches (at least one). */
    readonly detailTypes: readonly string[];
    /**
     * Extra EventBridge pattern fields under `detail`, e.g. `{ status: ["PAID"] }`. Every leaf must be
     * an array of match values (EventBridge pattern syntax).
     * @default no detail filter (every event of the sources and detail types matches)
     */
    readonly detailFilter?: Readonly<Record<string, unknown>>;
    /** FIFO queue (and FIFO redrive DLQ) instead of a standard one. */
    readonly fifo: boolean;
    /** Receives before a message moves to the redrive DLQ (1-1000). */
    readonly maxReceiveCount: number;
    /** Queue visibility timeout in seconds (0-43200); longer than the consumer's processing time. */
    readonly visibilityTimeoutSeconds: number;
    /** Queue message retention in seconds (60-1209600). */
    readonly retentionSeconds: number;
    /** Retention of both DLQs in seconds (60-1209600), greater than `retentionSeconds`. */
    readonly dlqRetentionSeconds: number;
    /** EventBridge target retry policy: maximum event age in seconds (60-86400). */
    readonly maxEventAgeSeconds: number;
    /** EventBridge target retry policy: maximum retry attempts (0-185). */
    readonly maxRetryAttempts: number;
    /**
     * Message group of every event delivered to a FIFO queue (EventBridge FIFO targets need one;
     * one group keeps strict order across the subscription). Ignored for standard queues.
     * @default the subscription name
     */
    readonly messageGroupId?: string;
}

/** Optional SNS fan-out: a topic whose messages are also delivered to the named subscriptions' queues. */
export interface EventNotificationsArgs {
    /**
     * Subscriptions whose queues also receive the topic's messages (raw delivery). Standard
     * subscriptions only: a standard SNS topic cannot deliver to a FIFO queue.
     */
    readonly subscriptions: readonly string[];
}

export interface EventBusArgs {
    /** ARN of the `messaging` customer-managed KMS key (bus, archive, queues, topic). */
    readonly messagingKmsKeyArn: pulumi.Input<string>;
    /**
     * Days the archive keeps events for replay; 0 keeps them indefinitely. Plain value: validated.
     * @default 0 (indefinitely)
     */
    readonly archiveRetentionDays?: number;
    /** Subscriptions (rules and queues). Plain values: they decide which resources exist and are validated. */
    readonly subscriptions: readonly EventSubscriptionArgs[];
    /**
     * SNS fan-out topic. Plain value: decides whether the topic exists.
     * @default no topic
     */
    readonly notifications?: EventNotificationsArgs;
    /**
     * SNS topic ARN that receives alarm and OK notifications of every alarm of this component.
     * @default alarms have no actions (state visible in CloudWatch only)
     */
    readonly alarmTopicArn?: pulumi.Input<string>;
    /**
     * Threshold of each queue's ApproximateAgeOfOldestMessage alarm, in seconds.
     * @default 900 (15 minutes)
     */
    readonly oldestMessageAlarmSeconds?: number;
    /**
     * Retention of the bus-level DLQ (events EventBridge cannot encrypt or decrypt), in seconds.
     * @default 1209600 (14 days, the SQS maximum)
     */
    readonly busDlqRetentionSeconds?: number;
    /**
     * How long SQS reuses a data key from the CMK before calling KMS again (60-86400 s).
     * @default 300
     */
    readonly kmsDataKeyReusePeriodSeconds?: number;
    /**
     * Create what holds events and messages with `protect` and `retainOnDelete` (prod): the bus and
     * its replay archive, every queue (undelivered work) and every dead-letter queue (failed
     * messages). Rules, targets, policies, subscriptions and alarms are recreated freely.
     * @default false
     */
    readonly protect?: boolean;
}

/** Where one subscription's messages live. */
export interface EventQueueOutputs {
    readonly queueUrl: pulumi.Output<string>;
    readonly queueArn: pulumi.Output<string>;
    /** Physical queue name: what InternalAlbService scales on (ApproximateNumberOfMessagesVisible). */
    readonly queueName: pulumi.Output<string>;
    /** Redrive DLQ (processing failures after maxReceiveCount). */
    readonly dlqArn: pulumi.Output<string>;
    readonly dlqUrl: pulumi.Output<string>;
    /** Delivery DLQ (events EventBridge or SNS could not deliver to the queue). Always standard. */
    readonly targetDlqArn: pulumi.Output<string>;
}

/** Secure defaults, in one place. */
export const EVENT_BUS_DEFAULTS = {
    archiveRetentionDays: 0,
    oldestMessageAlarmSeconds: 900,
    busDlqRetentionSeconds: 1_209_600,
    kmsDataKeyReusePeriodSeconds: 300,
    protect: false,
} as const;

/** AWS limits the validator enforces (SQS, EventBridge and SNS API references). */
export const EVENT_BUS_LIMITS = {
    sqsRetentionMin: 60,
    sqsRetentionMax: 1_209_600,
    sqsVisibilityMax: 43_200,
    sqsMaxReceiveCountMax: 1_000,
    sqsNameMax: 80,
    sqsKmsReuseMin: 60,
    sqsKmsReuseMax: 86_400,
    eventMaxAgeMin: 60,
    eventMaxAgeMax: 86_400,
    eventMaxRetryAttempts: 185,
    ruleNameMax: 64,
    archiveNameMax: 48,
    fifoMessageGroupIdMax: 128,
} as const;

const FIFO_SUFFIX = ".fifo";

/**
 * Logical names of one subscription's children. Queues are autonamed: Pulumi appends "-" and 7
 * characters, and for `fifoQueue: true` also ".fifo" (pulumi-aws resources.go, aws_sqs_queue
 * AutoNameWithCustomOptions PostTransform, since pulumi-aws#1398), so the physical name stays valid
 * without giving up autonaming.
 */
export function subscriptionLogicalNames(component: string, subscription: string) {
    const base = `${component}-${subscription}`;
    return {
        queue: base,
        dlq: `${base}-dlq`,
        deliveryDlq: `${base}-delivery-dlq`,
        rule: `${base}-rule`,
    };
}

/** Physical name length after autonaming (plus ".fifo" for FIFO queues). */
function autonamedLength(logical: string, fifo = false): number {
    return logical.length + AUTONAME_SUFFIX_LENGTH + (fifo ? FIFO_SUFFIX.length : 0);
}

function isInteger(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value);
}

/**
 * Problems of an EventBridge `detail` filter: every leaf must be a non-empty array of match values.
 * Exported so the config validator applies it to `platform:eventSubscriptions` before any resource exists.
 */
export function detailFilterProblems(value: unknown, path: string, problems: Problems): void {
    if (Array.isArray(value)) {
        problems.check(value.length > 0, path, value, "an EventBridge pattern leaf must be a non-empty array of match values", `list at least one value, e.g. ${path} = ["PAID"]`);
        return;
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        problems.check(entries.length > 0, path, value, "an EventBridge pattern object must have at least one field", `remove ${path} or add a field`);
        for (const [k, v] of entries) {
            detailFilterProblems(v, `${path}.${k}`, problems);
        }
        return;
    }
    problems.add(
        path,
        value,
        "an EventBridge pattern leaf must be an array of match values (a bare value never matches)",
        `wrap it in an array, e.g. ${path} = [${JSON.stringify(value)}]`,
    );
}

/**
 * Validates EventBus args against the AWS rules (SQS, EventBridge, SNS) and the naming arithmetic of
 * Pulumi autonaming. Pure: returns every problem; the component throws one ValidationError.
 */
export function validateEventBusArgs(name: string, args: EventBusArgs): Problem[] {
    const p = new Problems();
    const L = EVENT_BUS_LIMITS;

    // The archive is autonamed from `${name}-archive`; archive names are limited to 48 characters.
    const archiveLogical = `${name}-archive`;
    p.check(
        autonamedLength(archiveLogical) <= L.archiveNameMax,
        "name",
        name,
        `must be at most ${L.archiveNameMax - AUTONAME_SUFFIX_LENGTH - "-archive".length} characters: the archive name "${archiveLogical}" plus Pulumi's ${AUTONAME_SUFFIX_LENGTH}-character suffix must fit EventBridge's ${L.archiveNameMax}-character limit`,
        "shorten the component name",
    );
    p.check(DNS_LABEL.test(name), "name", name, "must be a DNS label (lowercase letters, digits, hyphens; starts with a letter)", "rename the component");

    const archiveDays = args.archiveRetentionDays ?? EVENT_BUS_DEFAULTS.archiveRetentionDays;
    p.check(
        isInteger(archiveDays) && archiveDays >= 0,
        "archiveRetentionDays",
        archiveDays,
        "must be a whole number of days >= 0 (0 keeps events indefinitely)",
        "use e.g. 0 or 30",
    );

    const ageThreshold = args.oldestMessageAlarmSeconds ?? EVENT_BUS_DEFAULTS.oldestMessageAlarmSeconds;
    p.check(
        isInteger(ageThreshold) && ageThreshold >= 60 && ageThreshold <= L.sqsRetentionMax,
        "oldestMessageAlarmSeconds",
        ageThreshold,
        `must be ${60}-${L.sqsRetentionMax} seconds`,
        "use e.g. 900 (15 minutes)",
    );

    const busDlqRetention = args.busDlqRetentionSeconds ?? EVENT_BUS_DEFAULTS.busDlqRetentionSeconds;
    p.check(
        isInteger(busDlqRetention) && busDlqRetention >= L.sqsRetentionMin && busDlqRetention <= L.sqsRetentionMax,
        "busDlqRetentionSeconds",
        busDlqRetention,
        `must be ${L.sqsRetentionMin}-${L.sqsRetentionMax} seconds (SQS MessageRetentionPeriod)`,
        "use 1209600 (14 days)",
    );

    const reuse = args.kmsDataKeyReusePeriodSeconds ?? EVENT_BUS_DEFAULTS.kmsDataKeyReusePeriodSeconds;
    p.check(
        isInteger(reuse) && reuse >= L.sqsKmsReuseMin && reuse <= L.sqsKmsReuseMax,
        "kmsDataKeyReusePeriodSeconds",
        reuse,
        `must be ${L.sqsKmsReuseMin}-${L.sqsKmsReuseMax} seconds (SQS KmsDataKeyReusePeriodSeconds)`,
        "use 300",
    );

    const seen = new Set<string>();
    args.subscriptions.forEach((s, i) => {
        const key = (field: string) => `subscriptions[${i}].${field}`;
        const names = subscriptionLogicalNames(name, s.name);
        const wellFormed = p.check(
            DNS_LABEL.test(s.name),
            key("name"),
            s.name,
            "must be a DNS label: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
            "rename the subscription, e.g. order-created",
        );
        // A malformed name is reported once; its length problems would only repeat it.
        if (wellFormed) {
            p.check(!seen.has(s.name), key("name"), s.name, "subscription names must be unique (they name the rule and the queues)", "rename one of the subscriptions");
            const physical = [
                { what: "queue", logical: names.queue, fifo: s.fifo, limit: L.sqsNameMax },
                { what: "redrive DLQ", logical: names.dlq, fifo: s.fifo, limit: L.sqsNameMax },
                { what: "delivery DLQ", logical: names.deliveryDlq, fifo: false, limit: L.sqsNameMax },
                { what: "rule", logical: names.rule, fifo: false, limit: L.ruleNameMax },
            ];
            for (const n of physical) {
                const length = autonamedLength(n.logical, n.fifo);
                p.check(
                    length <= n.limit,
                    key("name"),
                    s.name,
                    `is ${length - n.limit} character(s) too long: the ${n.what} "${n.logical}" plus Pulumi's ${AUTONAME_SUFFIX_LENGTH}-character autoname suffix${n.fifo ? ' and ".fifo"' : ""} is ${length} characters, over the ${n.limit}-character limit`,
                    "shorten the subscription (or component) name",
                );
            }
        }
        seen.add(s.name);

        p.check(
            s.sources.length > 0,
            key("sources"),
            s.sources,
            "at least one event source is required (a rule without sources matches every event)",
            'list the producers\' sources, e.g. ["orders"]',
        );
        s.sources.forEach((src, j) => p.check(src.length > 0 && src.length <= 256, `${key("sources")}[${j}]`, src, "must be 1-256 characters", "correct the source"));
        p.check(s.detailTypes.length > 0, key("detailTypes"), s.detailTypes, "at least one detail-type is required", 'list the event types, e.g. ["OrderCreated"]');
        s.detailTypes.forEach((dt, j) => p.check(dt.length > 0 && dt.length <= 256, `${key("detailTypes")}[${j}]`, dt, "must be 1-256 characters", "correct the detail-type"));
        if (s.detailFilter !== undefined) {
            detailFilterProblems(s.detailFilter, key("detailFilter"), p);
        }

        p.check(
            isInteger(s.maxReceiveCount) && s.maxReceiveCount >= 1 && s.maxReceiveCount <= L.sqsMaxReceiveCountMax,
            key("maxReceiveCount"),
            s.maxReceiveCount,
            `must be 1-${L.sqsMaxReceiveCountMax} (SQS redrive policy)`,
            "use e.g. 5",
        );
        p.check(
            isInteger(s.visibilityTimeoutSeconds) && s.visibilityTimeoutSeconds >= 0 && s.visibilityTimeoutSeconds <= L.sqsVisibilityMax,
            key("visibilityTimeoutSeconds"),
            s.visibilityTimeoutSeconds,
            `must be 0-${L.sqsVisibilityMax} seconds (SQS VisibilityTimeout)`,
            "use e.g. 60",
        );
        const retentionOk = p.check(
            isInteger(s.retentionSeconds) && s.retentionSeconds >= L.sqsRetentionMin && s.retentionSeconds <= L.sqsRetentionMax,
            key("retentionSeconds"),
            s.retentionSeconds,
            `must be ${L.sqsRetentionMin}-${L.sqsRetentionMax} seconds (SQS MessageRetentionPeriod)`,
            "use e.g. 345600 (4 days)",
        );
        const dlqOk = p.check(
            isInteger(s.dlqRetentionSeconds) && s.dlqRetentionSeconds >= L.sqsRetentionMin && s.dlqRetentionSeconds <= L.sqsRetentionMax,
            key("dlqRetentionSeconds"),
            s.dlqRetentionSeconds,
            `must be ${L.sqsRetentionMin}-${L.sqsRetentionMax} seconds (SQS MessageRetentionPeriod)`,
            "use 1209600 (14 days)",
        );
        if (retentionOk && dlqOk) {
            p.check(
                s.dlqRetentionSeconds > s.retentionSeconds,
                key("dlqRetentionSeconds"),
                s.dlqRetentionSeconds,
                `must exceed retentionSeconds (${s.retentionSeconds}): a dead-lettered message keeps its original enqueue timestamp, so a DLQ with shorter retention deletes it early`,
                "raise dlqRetentionSeconds or lower retentionSeconds",
            );
        }
        p.check(
            isInteger(s.maxEventAgeSeconds) && s.maxEventAgeSeconds >= L.eventMaxAgeMin && s.maxEventAgeSeconds <= L.eventMaxAgeMax,
            key("maxEventAgeSeconds"),
            s.maxEventAgeSeconds,
            `must be ${L.eventMaxAgeMin}-${L.eventMaxAgeMax} seconds (EventBridge retry policy)`,
            "use e.g. 3600",
        );
        p.check(
            isInteger(s.maxRetryAttempts) && s.maxRetryAttempts >= 0 && s.maxRetryAttempts <= L.eventMaxRetryAttempts,
            key("maxRetryAttempts"),
            s.maxRetryAttempts,
            `must be 0-${L.eventMaxRetryAttempts} (EventBridge retry policy)`,
            "use e.g. 8",
        );
        if (s.messageGroupId !== undefined) {
            p.check(
                /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/.test(s.messageGroupId),
                key("messageGroupId"),
                s.messageGroupId,
                `must be 1-${L.fifoMessageGroupIdMax} alphanumeric or punctuation characters (SQS MessageGroupId)`,
                "use e.g. the subscription name",
            );
            p.check(s.fifo, key("messageGroupId"), s.messageGroupId, "applies only to FIFO subscriptions", "remove it or set fifo: true");
        }
    });

    if (args.notifications !== undefined) {
        const listed = new Set<string>();
        args.notifications.subscriptions.forEach((subName, i) => {
            const key = `notifications.subscriptions[${i}]`;
            const target = args.subscriptions.find((s) => s.name === subName);
            if (
                !p.check(
                    target !== undefined,
                    key,
                    subName,
                    `must name a subscription of this bus (${args.subscriptions.map((s) => s.name).join(", ") || "none defined"})`,
                    "fix the name or add the subscription",
                )
            ) {
                return;
            }
            p.check(!listed.has(subName), key, subName, "each subscription may be listed once", "remove the duplicate");
            listed.add(subName);
            p.check(target?.fifo !== true, key, subName, "is a FIFO subscription: a standard SNS topic cannot deliver to a FIFO queue", "list only standard subscriptions");
        });
    }
    return [...p.list];
}

/** Account, Region and partition of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
/** The EventBridge pattern of a subscription (source, detail-type and optional detail filters). */
export function eventPattern(s: EventSubscriptionArgs): Record<string, unknown> {
    return {
        source: [...s.sources],
        "detail-type": [...s.detailTypes],
        ...(s.detailFilter !== undefined ? { detail: s.detailFilter } : {}),
    };
}

/**
 * Least-privilege statements a consumer of `queueArn` needs (receive, delete, extend, read attributes;
 * decrypt the messages, only through SQS).
 */
export function consumerStatements(queueArn: string, messagingKeyArn: string): PolicyStatement[] {
    return [
        {
            Sid: "ConsumeQueue",
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
            Resource: [queueArn],
        },
        { Sid: "DecryptMessages", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [messagingKeyArn], Condition: viaServiceCondition("sqs", queueArn) },
    ];
}

/**
 * Statements for a service that puts its own events on the bus: `events:PutEvents` on exactly this
 * bus, only with the `Source` values it declares (EventBridge condition key `events:source`; see
 * "Using IAM policy conditions in Amazon EventBridge"), so no service can impersonate another
 * producer, or the API's source. Callers need no KMS grant: EventBridge encrypts with the bus's
 * key under the key policy.
 */
export function producerStatements(busArn: string, sources: readonly string[]): PolicyStatement[] {
    return [
        {
            Sid: "PutEventsAsDeclaredSources",
            Effect: "Allow",
            Action: ["events:PutEvents"],
            Resource: [busArn],
            Condition: { StringEquals: { "events:source": [...sources] } },
        },
    ];
}

/**
 * Statements for a service that publishes to the notifications topic: `sns:Publish` on exactly the
 * topic, and the data key SNS needs to encrypt the message (a publisher to a KMS-encrypted topic
 * needs kms:GenerateDataKey and kms:Decrypt, SNS developer guide "Encryption at rest"), only
 * through SNS.
 */
export function notificationPublisherStatements(topicArn: string, messagingKeyArn: string): PolicyStatement[] {
    return [
        { Sid: "PublishNotifications", Effect: "Allow", Action: ["sns:Publish"], Resource: [topicArn] },
        {
            Sid: "EncryptNotifications",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: [messagingKeyArn],
            Condition: viaServiceCondition("sns", topicArn),
        },
    ];
}

/**
 * The TLS deny statement of a queue policy. `sqs:*` in a *Deny* grants nothing; it is the AWS CDK
 * `enforceSSL` statement, and listing actions instead would leave actions SQS adds later uncovered.
 */
function denyQueueInsecureTransport(queueArn: string): PolicyStatement {
    return denyInsecureTransport(["sqs:*"], [queueArn]);
}

/** A service principal allowed to send to a queue only on behalf of one source ARN (confused-deputy guard). */
function allowServiceSend(sid: string, service: string, queueArn: string, sourceArn: string): PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: ["sqs:SendMessage"],
        Resource: [queueArn],
        Condition: { ArnEquals: { "aws:SourceArn": sourceArn } },
    };
}

export class EventBus extends pulumi.ComponentResource {
    public readonly busName: pulumi.Output<string>;
    public readonly busArn: pulumi.Output<string>;
    public readonly archiveArn: pulumi.Output<string>;
    /** DLQ of the bus itself (events that hit KMS errors on the bus). */
    public readonly busDlqArn: pulumi.Output<string>;
    public readonly queues: Readonly<Record<string, EventQueueOutputs>>;
    /** Per subscription: statements for the consuming service's task role. */
    public readonly consumerPolicyStatements: Readonly<Record<string, pulumi.Output<PolicyStatement[]>>>;
    /** ARN of the SNS fan-out topic, when `notifications` is set. */
    public readonly topicArn?: pulumi.Output<string>;
    /**
     * Statements for a service that publishes to the fan-out topic (Publish on the topic, the key
     * through SNS), when `notifications` is set. The topic policy grants nobody: publishers are
     * exactly the roles given these statements.
     */
    public readonly notificationPublisherPolicyStatements?: pulumi.Output<PolicyStatement[]>;

    constructor(name: string, args: EventBusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:events:EventBus", name, {}, opts);

        const problems = validateEventBusArgs(name, args);
        if (problems.length > 0) {
            throw new ValidationError(`EventBus "${name}"`, problems);
        }

        const keyArn = pulumi.output(args.messagingKmsKeyArn);
        const archiveRetentionDays = args.archiveRetentionDays ?? EVENT_BUS_DEFAULTS.archiveRetentionDays;
        const ageThreshold = args.oldestMessageAlarmSeconds ?? EVENT_BUS_DEFAULTS.oldestMessageAlarmSeconds;
        const reuse = args.kmsDataKeyReusePeriodSeconds ?? EVENT_BUS_DEFAULTS.kmsDataKeyReusePeriodSeconds;
        const alarmActions = args.alarmTopicArn !== undefined ? [args.alarmTopicArn] : [];
        const encryption = { kmsMasterKeyId: args.messagingKmsKeyArn, kmsDataKeyReusePeriodSeconds: reuse };
        const protect = args.protect ?? EVENT_BUS_DEFAULTS.protect;
        // What holds events or messages: Pulumi refuses to delete it (protect) and never deletes it from AWS (retainOnDelete).
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };

        const dlqAlarm = (logical: string, queueName: pulumi.Input<string>, description: string) =>
            new aws.cloudwatch.MetricAlarm(
                logical,
                {
                    alarmDescription: description,
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    dimensions: { QueueName: queueName },
                    statistic: "Maximum",
                    period: 60,
                    evaluationPeriods: 1,
                    threshold: 0,
                    comparisonOperator: "GreaterThanThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions,
                    okActions: alarmActions,
                },
                { parent: this },
            );

        // --- The bus, its DLQ, archive and policy ---
        // EventBridge strongly recommends a bus DLQ with a CMK: events that hit a non-retriable KMS
        // error (key disabled, policy changed) go there instead of being dropped.
        const busDlq = new aws.sqs.Queue(
            `${name}-bus-dlq`,
            { ...encryption, messageRetentionSeconds: args.busDlqRetentionSeconds ?? EVENT_BUS_DEFAULTS.busDlqRetentionSeconds },
            stateful,
        );
        const bus = new aws.cloudwatch.EventBus(
            `${name}-bus`,
            {
                description: `Platform event bus (${name})`,
                kmsKeyIdentifier: args.messagingKmsKeyArn,
                deadLetterConfig: { arn: busDlq.arn },
            },
            stateful,
        );
        new aws.sqs.QueuePolicy(
            `${name}-bus-dlq-policy`,
            {
                queueUrl: busDlq.url,
                policy: policyJson(
                    pulumi
                        .all([busDlq.arn, bus.arn])
                        .apply(([queueArn, busArn]) => [
                            allowServiceSend("AllowEventBridgeBusDeadLetters", "events.amazonaws.com", queueArn, busArn),
                            denyQueueInsecureTransport(queueArn),
                        ]),
                ),
            },
            { parent: this },
        );
        dlqAlarm(`${name}-bus-dlq-visible`, busDlq.name, `Events on bus ${name} failed encryption or decryption and were dead-lettered`);

        const archive = new aws.cloudwatch.EventArchive(
            `${name}-archive`,
            {
                description: `Replay archive of the ${name} bus`,
                eventSourceArn: bus.arn,
                retentionDays: archiveRetentionDays,
                kmsKeyIdentifier: args.messagingKmsKeyArn,
            },
            stateful,
        );

        // Only principals of this account may put events (no cross-account producers).
        new aws.cloudwatch.EventBusPolicy(
            `${name}-bus-policy`,
            {
                eventBusName: bus.name,
                policy: policyJson(
                    bus.arn.apply((busArn): PolicyStatement[] => {
                        const { partition, account } = arnParts(busArn);
                        return [
                            {
                                Sid: "AllowAccountPutEvents",
                                Effect: "Allow",
                                Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                                Action: ["events:PutEvents"],
                                Resource: [busArn],
                            },
                        ];
                    }),
                ),
            },
            { parent: this },
        );

        // --- Optional SNS fan-out topic ---
        // Alarms do not publish to this topic: its subscribers are worker queues, which would receive
        // CloudWatch alarm JSON as work items. So the topic policy grants no cloudwatch.amazonaws.com.
        // Nor does it grant the account: the default topic policy (and the account-wide grant this
        // one used to carry) would let any principal with sns:* publish and subscribe. Same-account
        // principals need an identity policy anyway, so publishers are exactly the roles given
        // `notificationPublisherPolicyStatements` (and administrators). The policy keeps AWS's
        // recommended transport statement, word for word (SNS security best practices, "Enforce
        // encryption of data in transit": Deny SNS:Publish when aws:SecureTransport is false).
        const notified = new Set(args.notifications?.subscriptions ?? []);
        let topic: aws.sns.Topic | undefined;
        if (args.notifications !== undefined) {
            topic = new aws.sns.Topic(`${name}-notifications`, { kmsMasterKeyId: args.messagingKmsKeyArn }, { parent: this });
            new aws.sns.TopicPolicy(
                `${name}-notifications-policy`,
                { arn: topic.arn, policy: policyJson(topic.arn.apply((topicArn): PolicyStatement[] => [denyInsecureTransport(["sns:Publish"], [topicArn])])) },
                { parent: this },
            );
        }

        // --- Subscriptions ---
        const queues: Record<string, EventQueueOutputs> = {};
        const consumerPolicyStatements: Record<string, pulumi.Output<PolicyStatement[]>> = {};
        for (const s of args.subscriptions) {
            const names = subscriptionLogicalNames(name, s.name);
            const fifo = s.fifo ? { fifoQueue: true, contentBasedDeduplication: true } : {};

            // FIFO queues need a FIFO redrive DLQ: both take their FIFO-ness from the same flag, so
            // they cannot disagree. The delivery DLQ is always standard (EventBridge target DLQs must be).
            const dlq = new aws.sqs.Queue(names.dlq, { ...encryption, ...fifo, messageRetentionSeconds: s.dlqRetentionSeconds }, stateful);
            const queue = new aws.sqs.Queue(
                names.queue,
                {
                    ...encryption,
                    ...fifo,
                    visibilityTimeoutSeconds: s.visibilityTimeoutSeconds,
                    messageRetentionSeconds: s.retentionSeconds,
                    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: s.maxReceiveCount }),
                },
                stateful,
            );
            const deliveryDlq = new aws.sqs.Queue(names.deliveryDlq, { ...encryption, messageRetentionSeconds: s.dlqRetentionSeconds }, stateful);

            // Separate resource: an inline redriveAllowPolicy on the DLQ would reference the queue,
            // which references the DLQ (a cycle).
            new aws.sqs.RedriveAllowPolicy(
                `${names.dlq}-redrive-allow`,
                { queueUrl: dlq.url, redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }) },
                { parent: this },
            );

            const rule = new aws.cloudwatch.EventRule(
                names.rule,
                {
                    description: `Delivers ${s.detailTypes.join(", ")} from ${s.sources.join(", ")} to the ${s.name} queue`,
                    eventBusName: bus.name,
                    eventPattern: JSON.stringify(eventPattern(s)),
                    state: "ENABLED",
                },
                { parent: this },
            );

            const queueStatements = pulumi
                .all([queue.arn, rule.arn, topic?.arn])
                .apply(([queueArn, ruleArn, topicArn]) => [
                    allowServiceSend("AllowEventBridgeRule", "events.amazonaws.com", queueArn, ruleArn),
                    ...(topicArn !== undefined && notified.has(s.name) ? [allowServiceSend("AllowSnsTopic", "sns.amazonaws.com", queueArn, topicArn)] : []),
                    denyQueueInsecureTransport(queueArn),
                ]);
            const queuePolicy = new aws.sqs.QueuePolicy(`${names.queue}-policy`, { queueUrl: queue.url, policy: policyJson(queueStatements) }, { parent: this });
            new aws.sqs.QueuePolicy(`${names.dlq}-policy`, { queueUrl: dlq.url, policy: policyJson(dlq.arn.apply((arn) => [denyQueueInsecureTransport(arn)])) }, { parent: this });
            const deliveryDlqPolicy = new aws.sqs.QueuePolicy(
                `${names.deliveryDlq}-policy`,
                {
                    queueUrl: deliveryDlq.url,
                    policy: policyJson(
                        pulumi
                            .all([deliveryDlq.arn, rule.arn, topic?.arn])
                            .apply(([arn, ruleArn, topicArn]) => [
                                allowServiceSend("AllowEventBridgeRuleDeadLetters", "events.amazonaws.com", arn, ruleArn),
                                ...(topicArn !== undefined && notified.has(s.name) ? [allowServiceSend("AllowSnsDeadLetters", "sns.amazonaws.com", arn, topicArn)] : []),
                                denyQueueInsecureTransport(arn),
                            ]),
                    ),
                },
                { parent: this },
            );

            new aws.cloudwatch.EventTarget(
                `${names.rule}-target`,
                {
                    rule: rule.name,
                    eventBusName: bus.name,
                    targetId: "sqs",
                    arn: queue.arn,
                    retryPolicy: { maximumEventAgeInSeconds: s.maxEventAgeSeconds, maximumRetryAttempts: s.maxRetryAttempts },
                    deadLetterConfig: { arn: deliveryDlq.arn },
                    ...(s.fifo ? { sqsTarget: { messageGroupId: s.messageGroupId ?? s.name } } : {}),
                },
                // Deliveries fail until the queue policies admit the rule.
                { parent: this, dependsOn: [queuePolicy, deliveryDlqPolicy] },
            );

            if (topic !== undefined && notified.has(s.name)) {
                new aws.sns.TopicSubscription(
                    `${names.queue}-notifications`,
                    {
                        topic: topic.arn,
                        protocol: "sqs",
                        endpoint: queue.arn,
                        rawMessageDelivery: true,
                        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deliveryDlq.arn }),
                    },
                    { parent: this, dependsOn: [queuePolicy, deliveryDlqPolicy] },
                );
            }

            // --- Alarms ---
            dlqAlarm(`${names.dlq}-visible`, dlq.name, `Messages of ${s.name} failed processing ${s.maxReceiveCount} times and were dead-lettered`);
            dlqAlarm(`${names.deliveryDlq}-visible`, deliveryDlq.name, `Events for ${s.name} could not be delivered to its queue`);
            new aws.cloudwatch.MetricAlarm(
                `${names.rule}-failed-invocations`,
                {
                    alarmDescription: `EventBridge failed to invoke the ${s.name} target`,
                    namespace: "AWS/Events",
                    metricName: "FailedInvocations",
                    dimensions: { RuleName: rule.name, EventBusName: bus.name },
                    statistic: "Sum",
                    period: 60,
                    evaluationPeriods: 1,
                    threshold: 0,
                    comparisonOperator: "GreaterThanThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions,
                    okActions: alarmActions,
                },
                { parent: this },
            );
            new aws.cloudwatch.MetricAlarm(
                `${names.queue}-oldest-message`,
                {
                    alarmDescription: `The oldest message of ${s.name} is older than ${ageThreshold} s: consumers are stalled or too few`,
                    namespace: "AWS/SQS",
                    metricName: "ApproximateAgeOfOldestMessage",
                    dimensions: { QueueName: queue.name },
                    statistic: "Maximum",
                    period: 60,
                    evaluationPeriods: 1,
                    threshold: ageThreshold,
                    comparisonOperator: "GreaterThanThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions,
                    okActions: alarmActions,
                },
                { parent: this },
            );

            queues[s.name] = {
                queueUrl: queue.url,
                queueArn: queue.arn,
                queueName: queue.name,
                dlqArn: dlq.arn,
                dlqUrl: dlq.url,
                targetDlqArn: deliveryDlq.arn,
            };
            consumerPolicyStatements[s.name] = pulumi.all([queue.arn, keyArn]).apply(([queueArn, k]) => consumerStatements(queueArn, k));
        }

        this.busName = bus.name;
        this.busArn = bus.arn;
        this.archiveArn = archive.arn;
        this.busDlqArn = busDlq.arn;
        this.queues = queues;
        this.consumerPolicyStatements = consumerPolicyStatements;
        this.topicArn = topic?.arn;
        this.notificationPublisherPolicyStatements =
            topic !== undefined ? pulumi.all([topic.arn, keyArn]).apply(([topicArn, k]) => notificationPublisherStatements(topicArn, k)) : undefined;
        this.registerOutputs({
            busName: this.busName,
            busArn: this.busArn,
            archiveArn: this.archiveArn,
            busDlqArn: this.busDlqArn,
            queues: this.queues,
            consumerPolicyStatements: this.consumerPolicyStatements,
            topicArn: this.topicArn,
            notificationPublisherPolicyStatements: this.notificationPublisherPolicyStatements,
        });
    }

    /** Statements for a service that puts events with these `Source` values on the bus (see `producerStatements`). */
    producerPolicyStatements(sources: readonly string[]): pulumi.Output<PolicyStatement[]> {
        return this.busArn.apply((busArn) => producerStatements(busArn, sources));
    }
}
