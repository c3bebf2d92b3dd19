import * as assert from "assert";
import { EventBus, EventBusArgs, validateEventBusArgs } from "../../components/event-bus";
import { Problem, ValidationError } from "../../config/problems";
import { MOCK_ACCOUNT_ID } from "../../engine/mocks";
import { Recorded, RecordedResource, policyDocument, record, resolveOutput } from "../support/harness";
import { ALARM_TOPIC_ARN, LEDGER, MESSAGING_KEY_ARN, ORDER_CREATED, eventBusArgs, subscription } from "../fixtures/event-bus";

const REGION = "eu-west-1";
const T = {
    bus: "aws:cloudwatch/eventBus:EventBus",
    archive: "aws:cloudwatch/eventArchive:EventArchive",
    busPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    redriveAllow: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    component: "platform:events:EventBus",
} as const;

interface Run {
    readonly bus: EventBus;
    readonly resources: Recorded;
    /** Physical name the mock engine gave a resource (autonaming). */
    readonly physical: (type: string, logical: string) => string;
}

async function run(args: EventBusArgs, name = "events"): Promise<Run> {
    const { value, resources, result } = await record(() => new EventBus(name, args), { region: REGION });
    // FIFO queues: the provider (and the mock) append ".fifo" to the autoname.
    const fifo = (type: string, logical: string) => type === "aws:sqs/queue:Queue" && resources.one(type, logical).inputs.fifoQueue === true;
    return { bus: value, resources, physical: (type, logical) => `${result.mocks.autoname(logical, type)}${fifo(type, logical) ? ".fifo" : ""}` };
}

const queueArn = (physical: string) => `arn:aws:sqs:${REGION}:${MOCK_ACCOUNT_ID}:${physical}`;
const queueUrl = (physical: string) => `https://sqs.${REGION}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physical}`;

function policyFor(resources: Recorded, url: string): { Version: string; Statement: Record<string, unknown>[] } {
    const policies = resources.ofType(T.queuePolicy).filter((p) => p.inputs.queueUrl === url);
    assert.strictEqual(policies.length, 1, `expected one queue policy for ${url}`);
    return policyDocument(policies[0].inputs.policy);
}

function denyTls(resource: string, action = "sqs:*") {
    return { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: [action], Resource: [resource], Condition: { Bool: { "aws:SecureTransport": "false" } } };
}

function allowSend(sid: string, service: string, resource: string, sourceArn: string) {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: ["sqs:SendMessage"],
        Resource: [resource],
        Condition: { ArnEquals: { "aws:SourceArn": sourceArn } },
    };
}

/** The one problem for `key`; asserts the rendered message names the key, the value and what is allowed. */
function problemFor(problems: readonly Problem[], key: string, value: string, allowed: string | RegExp): Problem {
    const found = problems.filter((p) => p.key === key);
    assert.strictEqual(found.length, 1, `expected one problem for ${key}, got: ${JSON.stringify(problems)}`);
    assert.strictEqual(found[0].value, value);
    if (typeof allowed === "string") {
        assert.ok(found[0].allowed.includes(allowed), `"${found[0].allowed}" should include "${allowed}"`);
    } else {
        assert.match(found[0].allowed, allowed);
    }
    assert.ok(found[0].fix.length > 0);
    return found[0];
}

describe("EventBus", function () {
    this.timeout(60_000);

    describe("baseline (standard + FIFO subscription, SNS fan-out to the standard one)", () => {
        let r: Run;
        const names = {
            bus: "",
            busArn: "",
            busDlq: "",
            topicArn: "",
            order: { queue: "", dlq: "", delivery: "", rule: "", ruleArn: "" },
            ledger: { queue: "", dlq: "", delivery: "", rule: "", ruleArn: "" },
        };

        before(async () => {
            r = await run(eventBusArgs({ notifications: { subscriptions: ["order-created"] } }));
            names.bus = r.physical(T.bus, "events-bus");
            names.busArn = `arn:aws:events:${REGION}:${MOCK_ACCOUNT_ID}:event-bus/${names.bus}`;
            names.busDlq = r.physical(T.queue, "events-bus-dlq");
            names.topicArn = `arn:aws:sns:${REGION}:${MOCK_ACCOUNT_ID}:${r.physical(T.topic, "events-notifications")}`;
            for (const [key, sub] of [
                ["order", "order-created"],
                ["ledger", "ledger"],
            ] as const) {
                const n = names[key];
                n.queue = r.physical(T.queue, `events-${sub}`);
                n.dlq = r.physical(T.queue, `events-${sub}-dlq`);
                n.delivery = r.physical(T.queue, `events-${sub}-delivery-dlq`);
                n.rule = r.physical(T.rule, `events-${sub}-rule`);
                n.ruleArn = `arn:aws:events:${REGION}:${MOCK_ACCOUNT_ID}:rule/${names.bus}/${n.rule}`;
            }
        });

        it("creates exactly these resources", () => {
            assert.deepStrictEqual(r.resources.countByType(), {
                "pulumi:pulumi:Stack": 1,
                [T.component]: 1,
                [T.bus]: 1,
                [T.archive]: 1,
                [T.busPolicy]: 1,
                // bus DLQ + per subscription queue, redrive DLQ, delivery DLQ
                [T.queue]: 7,
                [T.queuePolicy]: 7,
                [T.redriveAllow]: 2,
                [T.rule]: 2,
                [T.target]: 2,
                // bus DLQ + per subscription: 2 DLQs, failed invocations, oldest message
                [T.alarm]: 9,
                [T.topic]: 1,
                [T.topicPolicy]: 1,
                [T.topicSubscription]: 1,
            });
        });

        it("parents every child to the component", () => {
            const component = r.resources.one(T.component, "events");
            const children = r.resources.all.filter((x) => x.type !== "pulumi:pulumi:Stack" && x !== component);
            assert.deepStrictEqual(
                children.filter((x) => x.parent !== component.urn).map((x) => x.name),
                [],
            );
        });

        it("encrypts the bus with the messaging CMK and dead-letters KMS failures to the bus DLQ", () => {
            const bus = r.resources.one(T.bus, "events-bus");
            assert.deepStrictEqual(bus.inputs, {
                description: "Platform event bus (events)",
                kmsKeyIdentifier: MESSAGING_KEY_ARN,
                deadLetterConfig: { arn: queueArn(names.busDlq) },
            });
            const busDlq = r.resources.one(T.queue, "events-bus-dlq");
            assert.deepStrictEqual(busDlq.inputs, { kmsMasterKeyId: MESSAGING_KEY_ARN, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600 });
            assert.deepStrictEqual(policyFor(r.resources, queueUrl(names.busDlq)).Statement, [
                allowSend("AllowEventBridgeBusDeadLetters", "events.amazonaws.com", queueArn(names.busDlq), names.busArn),
                denyTls(queueArn(names.busDlq)),
            ]);
        });

        it("archives the bus's events, encrypted, for the configured days", () => {
            assert.deepStrictEqual(r.resources.one(T.archive, "events-archive").inputs, {
                description: "Replay archive of the events bus",
                eventSourceArn: names.busArn,
                retentionDays: 30,
                kmsKeyIdentifier: MESSAGING_KEY_ARN,
            });
        });

        it("lets only the account's principals put events on the bus", () => {
            const policy = r.resources.one(T.busPolicy, "events-bus-policy");
            assert.strictEqual(policy.inputs.eventBusName, names.bus);
            assert.deepStrictEqual(policyDocument(policy.inputs.policy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AllowAccountPutEvents",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` },
                        Action: ["events:PutEvents"],
                        Resource: [names.busArn],
                    },
                ],
            });
        });

        it("matches source, detail-type and the detail filter on the bus", () => {
            const rule = r.resources.one(T.rule, "events-order-created-rule");
            assert.strictEqual(rule.inputs.eventBusName, names.bus);
            assert.strictEqual(rule.inputs.state, "ENABLED");
            assert.deepStrictEqual(JSON.parse(String(rule.inputs.eventPattern)), { source: ["orders"], "detail-type": ["OrderCreated"], detail: { status: ["PAID"] } });
            const ledger = r.resources.one(T.rule, "events-ledger-rule");
            assert.deepStrictEqual(JSON.parse(String(ledger.inputs.eventPattern)), { source: ["payments", "refunds"], "detail-type": ["PaymentCaptured", "RefundIssued"] });
        });

        it("targets the queue with the retry policy and the standard delivery DLQ", () => {
            assert.deepStrictEqual(r.resources.one(T.target, "events-order-created-rule-target").inputs, {
                rule: names.order.rule,
                eventBusName: names.bus,
                targetId: "sqs",
                arn: queueArn(names.order.queue),
                retryPolicy: { maximumEventAgeInSeconds: 3_600, maximumRetryAttempts: 8 },
                deadLetterConfig: { arn: queueArn(names.order.delivery) },
            });
        });

        it("gives a FIFO target a message group and still a standard delivery DLQ", () => {
            assert.deepStrictEqual(r.resources.one(T.target, "events-ledger-rule-target").inputs, {
                rule: names.ledger.rule,
                eventBusName: names.bus,
                targetId: "sqs",
                arn: queueArn(names.ledger.queue),
                retryPolicy: { maximumEventAgeInSeconds: 7_200, maximumRetryAttempts: 20 },
                deadLetterConfig: { arn: queueArn(names.ledger.delivery) },
                sqsTarget: { messageGroupId: "ledger" },
            });
            const delivery = r.resources.one(T.queue, "events-ledger-delivery-dlq");
            assert.strictEqual(delivery.inputs.fifoQueue, undefined, "EventBridge target DLQs must be standard queues");
        });

        it("waits for the queue policies before creating a target", () => {
            const target = r.resources.one(T.target, "events-order-created-rule-target");
            const policies = r.resources.ofType(T.queuePolicy).filter((p) => [queueUrl(names.order.queue), queueUrl(names.order.delivery)].includes(String(p.inputs.queueUrl)));
            assert.strictEqual(policies.length, 2);
            for (const p of policies) {
                assert.ok(target.dependencies.includes(p.urn), `target should depend on ${p.name}`);
            }
        });

        it("configures the standard queue: CMK, visibility, retention, redrive to its DLQ", () => {
            const queue = r.resources.one(T.queue, "events-order-created");
            assert.deepStrictEqual(queue.inputs, {
                kmsMasterKeyId: MESSAGING_KEY_ARN,
                kmsDataKeyReusePeriodSeconds: 300,
                visibilityTimeoutSeconds: 60,
                messageRetentionSeconds: 345_600,
                redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(names.order.dlq), maxReceiveCount: 5 }),
            });
            assert.deepStrictEqual(r.resources.one(T.queue, "events-order-created-dlq").inputs, {
                kmsMasterKeyId: MESSAGING_KEY_ARN,
                kmsDataKeyReusePeriodSeconds: 300,
                messageRetentionSeconds: 1_209_600,
            });
            assert.deepStrictEqual(r.resources.one(T.queue, "events-order-created-delivery-dlq").inputs, {
                kmsMasterKeyId: MESSAGING_KEY_ARN,
                kmsDataKeyReusePeriodSeconds: 300,
                messageRetentionSeconds: 1_209_600,
            });
        });

        it("makes a FIFO queue's redrive DLQ FIFO too, autonamed so the provider appends .fifo", () => {
            const queue = r.resources.one(T.queue, "events-ledger");
            const dlq = r.resources.one(T.queue, "events-ledger-dlq");
            assert.deepStrictEqual(queue.inputs, {
                kmsMasterKeyId: MESSAGING_KEY_ARN,
                kmsDataKeyReusePeriodSeconds: 300,
                fifoQueue: true,
                contentBasedDeduplication: true,
                visibilityTimeoutSeconds: 120,
                messageRetentionSeconds: 86_400,
                redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(names.ledger.dlq), maxReceiveCount: 3 }),
            });
            assert.deepStrictEqual(dlq.inputs, {
                kmsMasterKeyId: MESSAGING_KEY_ARN,
                kmsDataKeyReusePeriodSeconds: 300,
                fifoQueue: true,
                contentBasedDeduplication: true,
                messageRetentionSeconds: 604_800,
            });
            // No explicit name or namePrefix: pulumi-aws autonames FIFO queues "<logical>-<7 chars>.fifo".
            for (const q of [queue, dlq]) {
                assert.strictEqual(q.inputs.name, undefined);
                assert.strictEqual(q.inputs.namePrefix, undefined);
            }
        });

        it("keeps every DLQ's retention longer than its source queue's", () => {
            for (const sub of ["order-created", "ledger"]) {
                const source = Number(r.resources.one(T.queue, `events-${sub}`).inputs.messageRetentionSeconds);
                for (const dlq of [`events-${sub}-dlq`, `events-${sub}-delivery-dlq`]) {
                    assert.ok(Number(r.resources.one(T.queue, dlq).inputs.messageRetentionSeconds) > source, `${dlq} retention must exceed ${source}`);
                }
            }
        });

        it("lets only the source queue redrive into each DLQ", () => {
            assert.deepStrictEqual(r.resources.one(T.redriveAllow, "events-order-created-dlq-redrive-allow").inputs, {
                queueUrl: queueUrl(names.order.dlq),
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn(names.order.queue)] }),
            });
            assert.deepStrictEqual(r.resources.one(T.redriveAllow, "events-ledger-dlq-redrive-allow").inputs, {
                queueUrl: queueUrl(names.ledger.dlq),
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn(names.ledger.queue)] }),
            });
        });

        it("admits only its rule (and the fan-out topic) to the queue, and denies non-TLS requests", () => {
            const q = queueArn(names.order.queue);
            assert.deepStrictEqual(policyFor(r.resources, queueUrl(names.order.queue)), {
                Version: "2012-10-17",
                Statement: [
                    allowSend("AllowEventBridgeRule", "events.amazonaws.com", q, names.order.ruleArn),
                    allowSend("AllowSnsTopic", "sns.amazonaws.com", q, names.topicArn),
                    denyTls(q),
                ],
            });
            const l = queueArn(names.ledger.queue);
            assert.deepStrictEqual(policyFor(r.resources, queueUrl(names.ledger.queue)).Statement, [
                allowSend("AllowEventBridgeRule", "events.amazonaws.com", l, names.ledger.ruleArn),
                denyTls(l),
            ]);
        });

        it("admits the rule (and the topic) to the delivery DLQ, nobody to the redrive DLQ", () => {
            const d = queueArn(names.order.delivery);
            assert.deepStrictEqual(policyFor(r.resources, queueUrl(names.order.delivery)).Statement, [
                allowSend("AllowEventBridgeRuleDeadLetters", "events.amazonaws.com", d, names.order.ruleArn),
                allowSend("AllowSnsDeadLetters", "sns.amazonaws.com", d, names.topicArn),
                denyTls(d),
            ]);
            const ld = queueArn(names.ledger.delivery);
            assert.deepStrictEqual(policyFor(r.resources, queueUrl(names.ledger.delivery)).Statement, [
                allowSend("AllowEventBridgeRuleDeadLetters", "events.amazonaws.com", ld, names.ledger.ruleArn),
                denyTls(ld),
            ]);
            for (const n of [names.order.dlq, names.ledger.dlq]) {
                assert.deepStrictEqual(policyFor(r.resources, queueUrl(n)).Statement, [denyTls(queueArn(n))]);
            }
        });

        it("gives every queue a policy that denies requests without TLS", () => {
            for (const q of r.resources.ofType(T.queue)) {
                const physical = r.physical(T.queue, q.name);
                const statements = policyFor(r.resources, queueUrl(physical)).Statement;
                assert.deepStrictEqual(statements[statements.length - 1], denyTls(queueArn(physical)), q.name);
            }
        });

        it("encrypts the fan-out topic; its policy grants nobody and denies publishing without TLS (AWS's statement)", () => {
            const topic = r.resources.one(T.topic, "events-notifications");
            assert.deepStrictEqual(topic.inputs, { kmsMasterKeyId: MESSAGING_KEY_ARN });
            const policy = r.resources.one(T.topicPolicy, "events-notifications-policy");
            assert.strictEqual(policy.inputs.arn, names.topicArn);
            assert.deepStrictEqual(policyDocument(policy.inputs.policy).Statement, [denyTls(names.topicArn, "sns:Publish")]);
        });

        it("exports the statements a notification publisher needs: Publish on the topic, the key only through SNS", async () => {
            assert.ok(r.bus.notificationPublisherPolicyStatements);
            assert.deepStrictEqual(await resolveOutput(r.bus.notificationPublisherPolicyStatements), [
                { Sid: "PublishNotifications", Effect: "Allow", Action: ["sns:Publish"], Resource: [names.topicArn] },
                {
                    Sid: "EncryptNotifications",
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: [MESSAGING_KEY_ARN],
                    Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } },
                },
            ]);
        });

        it("gives a producer PutEvents on exactly this bus, only for the sources it declares", async () => {
            assert.deepStrictEqual(await resolveOutput(r.bus.producerPolicyStatements(["platform.orders", "platform.refunds"])), [
                {
                    Sid: "PutEventsAsDeclaredSources",
                    Effect: "Allow",
                    Action: ["events:PutEvents"],
                    Resource: [names.busArn],
                    Condition: { StringEquals: { "events:source": ["platform.orders", "platform.refunds"] } },
                },
            ]);
        });

        it("protects nothing by default", () => {
            assert.deepStrictEqual(
                r.resources.all.filter((x) => x.protect || x.retainOnDelete).map((x) => x.name),
                [],
            );
        });

        it("subscribes only the listed queue, raw, with failed deliveries to its delivery DLQ", () => {
            assert.deepStrictEqual(r.resources.one(T.topicSubscription, "events-order-created-notifications").inputs, {
                topic: names.topicArn,
                protocol: "sqs",
                endpoint: queueArn(names.order.queue),
                rawMessageDelivery: true,
                redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(names.order.delivery) }),
            });
        });

        function alarm(logical: string): RecordedResource {
            return r.resources.one(T.alarm, logical);
        }
        const common = {
            period: 60,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [ALARM_TOPIC_ARN],
            okActions: [ALARM_TOPIC_ARN],
        };

        it("alarms on any visible message in every DLQ", () => {
            const dlqs: [string, string][] = [
                ["events-bus-dlq-visible", names.busDlq],
                ["events-order-created-dlq-visible", names.order.dlq],
                ["events-order-created-delivery-dlq-visible", names.order.delivery],
                ["events-ledger-dlq-visible", names.ledger.dlq],
                ["events-ledger-delivery-dlq-visible", names.ledger.delivery],
            ];
            for (const [logical, queue] of dlqs) {
                const { alarmDescription, ...rest } = alarm(logical).inputs;
                assert.ok(typeof alarmDescription === "string" && alarmDescription.length > 0);
                assert.deepStrictEqual(
                    rest,
                    { ...common, namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: queue }, statistic: "Maximum", threshold: 0 },
                    logical,
                );
            }
        });

        it("alarms on failed invocations of every rule, by rule and bus", () => {
            for (const [sub, n] of [
                ["order-created", names.order],
                ["ledger", names.ledger],
            ] as const) {
                const { alarmDescription, ...rest } = alarm(`events-${sub}-rule-failed-invocations`).inputs;
                assert.ok(typeof alarmDescription === "string");
                assert.deepStrictEqual(rest, {
                    ...common,
                    namespace: "AWS/Events",
                    metricName: "FailedInvocations",
                    dimensions: { RuleName: n.rule, EventBusName: names.bus },
                    statistic: "Sum",
                    threshold: 0,
                });
            }
        });

        it("alarms when a queue's oldest message is older than 15 minutes", () => {
            for (const [sub, n] of [
                ["order-created", names.order],
                ["ledger", names.ledger],
            ] as const) {
                const { alarmDescription, ...rest } = alarm(`events-${sub}-oldest-message`).inputs;
                assert.ok(typeof alarmDescription === "string");
                assert.deepStrictEqual(rest, {
                    ...common,
                    namespace: "AWS/SQS",
                    metricName: "ApproximateAgeOfOldestMessage",
                    dimensions: { QueueName: n.queue },
                    statistic: "Maximum",
                    threshold: 900,
                });
            }
        });

        it("exports exact least-privilege consumer statements per subscription", async () => {
            assert.deepStrictEqual(Object.keys(r.bus.consumerPolicyStatements), ["order-created", "ledger"]);
            for (const [sub, n] of [
                ["order-created", names.order],
                ["ledger", names.ledger],
            ] as const) {
                assert.deepStrictEqual(await resolveOutput(r.bus.consumerPolicyStatements[sub]), [
                    {
                        Sid: "ConsumeQueue",
                        Effect: "Allow",
                        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
                        Resource: [queueArn(n.queue)],
                    },
                    {
                        Sid: "DecryptMessages",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: [MESSAGING_KEY_ARN],
                        Condition: { StringEquals: { "kms:ViaService": "sqs.eu-west-1.amazonaws.com" } },
                    },
                ]);
            }
        });

        it("exports the bus, archive, topic and per-subscription queue outputs", async () => {
            assert.strictEqual(await resolveOutput(r.bus.busName), names.bus);
            assert.strictEqual(await resolveOutput(r.bus.busArn), names.busArn);
            assert.strictEqual(await resolveOutput(r.bus.archiveArn), `arn:aws:events:${REGION}:${MOCK_ACCOUNT_ID}:archive/${r.physical(T.archive, "events-archive")}`);
            assert.strictEqual(await resolveOutput(r.bus.busDlqArn), queueArn(names.busDlq));
            assert.ok(r.bus.topicArn);
            assert.strictEqual(await resolveOutput(r.bus.topicArn), names.topicArn);
            assert.deepStrictEqual(Object.keys(r.bus.queues), ["order-created", "ledger"]);
            for (const [sub, n] of [
                ["order-created", names.order],
                ["ledger", names.ledger],
            ] as const) {
                const q = r.bus.queues[sub];
                assert.deepStrictEqual(
                    {
                        queueUrl: await resolveOutput(q.queueUrl),
                        queueArn: await resolveOutput(q.queueArn),
                        queueName: await resolveOutput(q.queueName),
                        dlqArn: await resolveOutput(q.dlqArn),
                        dlqUrl: await resolveOutput(q.dlqUrl),
                        targetDlqArn: await resolveOutput(q.targetDlqArn),
                    },
                    {
                        queueUrl: queueUrl(n.queue),
                        queueArn: queueArn(n.queue),
                        queueName: n.queue,
                        dlqArn: queueArn(n.dlq),
                        dlqUrl: queueUrl(n.dlq),
                        targetDlqArn: queueArn(n.delivery),
                    },
                );
            }
        });
    });

    describe("options", () => {
        it("without notifications: no topic, no SNS statements, no topicArn", async () => {
            const r = await run(eventBusArgs({ subscriptions: [ORDER_CREATED] }));
            const counts = r.resources.countByType();
            assert.strictEqual(counts[T.topic], undefined);
            assert.strictEqual(counts[T.topicPolicy], undefined);
            assert.strictEqual(counts[T.topicSubscription], undefined);
            assert.strictEqual(counts[T.queue], 4);
            assert.strictEqual(counts[T.queuePolicy], 4);
            assert.strictEqual(counts[T.alarm], 5);
            assert.strictEqual(r.bus.topicArn, undefined);
            const queue = r.physical(T.queue, "events-order-created");
            const sids = policyFor(r.resources, queueUrl(queue)).Statement.map((s) => s.Sid);
            assert.deepStrictEqual(sids, ["AllowEventBridgeRule", "DenyInsecureTransport"]);
        });

        it("protect: the bus, its archive, every queue and every DLQ are protected and retained; nothing else", async () => {
            const r = await run(eventBusArgs({ protect: true, notifications: { subscriptions: ["order-created"] } }));
            const flagged = r.resources.all.filter((x) => x.protect || x.retainOnDelete);
            for (const x of flagged) {
                assert.deepStrictEqual([x.protect, x.retainOnDelete], [true, true], x.name);
            }
            assert.deepStrictEqual(flagged.map((x) => x.name).sort(), [
                "events-archive",
                "events-bus",
                "events-bus-dlq",
                "events-ledger",
                "events-ledger-delivery-dlq",
                "events-ledger-dlq",
                "events-order-created",
                "events-order-created-delivery-dlq",
                "events-order-created-dlq",
            ]);
            assert.deepStrictEqual([...new Set(flagged.map((x) => x.type))].sort(), [T.archive, T.bus, T.queue]);
        });

        it("without notifications there are no publisher statements", async () => {
            const r = await run(eventBusArgs({ subscriptions: [ORDER_CREATED] }));
            assert.strictEqual(r.bus.notificationPublisherPolicyStatements, undefined);
        });

        it("archives indefinitely (0) by default, and alarms without actions when no alarm topic is given", async () => {
            const r = await run({ messagingKmsKeyArn: MESSAGING_KEY_ARN, subscriptions: [ORDER_CREATED] });
            assert.strictEqual(r.resources.one(T.archive).inputs.retentionDays, 0);
            for (const a of r.resources.ofType(T.alarm)) {
                assert.deepStrictEqual(a.inputs.alarmActions, [], a.name);
                assert.deepStrictEqual(a.inputs.okActions, [], a.name);
            }
        });

        it("uses the configured oldest-message threshold, message group and KMS data key reuse", async () => {
            const r = await run(
                eventBusArgs({ subscriptions: [{ ...LEDGER, messageGroupId: "tenant-ledger" }], oldestMessageAlarmSeconds: 300, kmsDataKeyReusePeriodSeconds: 3_600 }),
            );
            assert.strictEqual(r.resources.one(T.alarm, "events-ledger-oldest-message").inputs.threshold, 300);
            assert.deepStrictEqual(r.resources.one(T.target).inputs.sqsTarget, { messageGroupId: "tenant-ledger" });
            for (const q of r.resources.ofType(T.queue)) {
                assert.strictEqual(q.inputs.kmsDataKeyReusePeriodSeconds, 3_600, q.name);
            }
        });

        it("creates only the bus, its DLQ, archive and policy when there are no subscriptions", async () => {
            const r = await run(eventBusArgs({ subscriptions: [] }));
            assert.deepStrictEqual(r.resources.countByType(), {
                "pulumi:pulumi:Stack": 1,
                [T.component]: 1,
                [T.bus]: 1,
                [T.archive]: 1,
                [T.busPolicy]: 1,
                [T.queue]: 1,
                [T.queuePolicy]: 1,
                [T.alarm]: 1,
            });
            assert.deepStrictEqual(r.bus.queues, {});
            assert.deepStrictEqual(r.bus.consumerPolicyStatements, {});
        });
    });

    describe("validation", () => {
        const validate = (overrides: Partial<EventBusArgs>, name = "events") => validateEventBusArgs(name, eventBusArgs(overrides));
        const withSub = (overrides: Parameters<typeof subscription>[0]) => validate({ subscriptions: [subscription(overrides)] });

        it("accepts the baseline (with notifications)", () => {
            assert.deepStrictEqual(validate({ notifications: { subscriptions: ["order-created"] } }), []);
        });

        it("throws one ValidationError listing every problem, before creating anything", async () => {
            let created = 0;
            await assert.rejects(
                record(() => {
                    const bus = new EventBus("events", eventBusArgs({ subscriptions: [subscription({ retentionSeconds: 30, maxReceiveCount: 0 })] }));
                    created++;
                    return bus;
                }),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.strictEqual(err.problems.length, 2);
                    assert.match(err.message, /^EventBus "events": 2 problems found:/);
                    assert.match(err.message, /subscriptions\[0\]\.retentionSeconds = 30: must be 60-1209600 seconds/);
                    assert.match(err.message, /subscriptions\[0\]\.maxReceiveCount = 0: must be 1-1000/);
                    return true;
                },
            );
            assert.strictEqual(created, 0);
        });

        it("rejects a subscription name that is not a DNS label", () => {
            problemFor(withSub({ name: "Order_Created" }), "subscriptions[0].name", '"Order_Created"', "must be a DNS label");
        });

        it("rejects duplicate subscription names", () => {
            problemFor(validate({ subscriptions: [ORDER_CREATED, ORDER_CREATED] }), "subscriptions[1].name", '"order-created"', "must be unique");
        });

        it("rejects a name whose rule would exceed 64 characters after autonaming", () => {
            // "events-" + 45 + "-rule" + 8 = 65 > 64.
            const long = `a${"b".repeat(44)}`;
            const p = problemFor(withSub({ name: long }), "subscriptions[0].name", `"${long}"`, "over the 64-character limit");
            assert.match(p.allowed, /^is 1 character\(s\) too long: the rule "events-a/);
        });

        it("counts Pulumi's suffix and .fifo in a queue's 80-character limit", () => {
            // "<30 c>-<45 s>" = 76 characters; autonaming adds 8 (84), and ".fifo" for FIFO queues (89).
            const component = "c".repeat(30);
            const sub = `s${"x".repeat(44)}`;
            const queueProblem = (fifo: boolean) =>
                validateEventBusArgs(component, eventBusArgs({ subscriptions: [subscription({ name: sub, fifo })] })).filter(
                    (p) => p.key === "subscriptions[0].name" && p.allowed.includes(`the queue "${component}-${sub}" plus`),
                );
            const standard = queueProblem(false);
            assert.strictEqual(standard.length, 1);
            assert.strictEqual(
                standard[0].allowed,
                `is 4 character(s) too long: the queue "${component}-${sub}" plus Pulumi's 8-character autoname suffix is 84 characters, over the 80-character limit`,
            );
            const fifo = queueProblem(true);
            assert.strictEqual(fifo.length, 1);
            assert.strictEqual(
                fifo[0].allowed,
                `is 9 character(s) too long: the queue "${component}-${sub}" plus Pulumi's 8-character autoname suffix and ".fifo" is 89 characters, over the 80-character limit`,
            );
        });

        it("rejects a component name too long for the archive name", () => {
            const name = "e".repeat(33);
            problemFor(validateEventBusArgs(name, eventBusArgs({ subscriptions: [] })), "name", `"${name}"`, "must be at most 32 characters");
        });

        it("requires sources and detail types", () => {
            const problems = withSub({ sources: [], detailTypes: [] });
            problemFor(problems, "subscriptions[0].sources", "[]", "at least one event source");
            problemFor(problems, "subscriptions[0].detailTypes", "[]", "at least one detail-type");
        });

        it("rejects a detail filter leaf that is not an array", () => {
            problemFor(withSub({ detailFilter: { status: "PAID" } }), "subscriptions[0].detailFilter.status", '"PAID"', "must be an array of match values");
            problemFor(withSub({ detailFilter: { status: [] } }), "subscriptions[0].detailFilter.status", "[]", "non-empty array");
        });

        it("rejects retention outside 60-1209600 seconds", () => {
            problemFor(withSub({ retentionSeconds: 59 }), "subscriptions[0].retentionSeconds", "59", "must be 60-1209600 seconds");
            problemFor(withSub({ dlqRetentionSeconds: 1_209_601 }), "subscriptions[0].dlqRetentionSeconds", "1209601", "must be 60-1209600 seconds");
        });

        it("rejects a DLQ retention that does not exceed the queue's", () => {
            problemFor(
                withSub({ retentionSeconds: 604_800, dlqRetentionSeconds: 604_800 }),
                "subscriptions[0].dlqRetentionSeconds",
                "604800",
                "must exceed retentionSeconds (604800)",
            );
        });

        it("rejects visibility timeout, maxReceiveCount, event age and retry attempts out of range", () => {
            problemFor(withSub({ visibilityTimeoutSeconds: 43_201 }), "subscriptions[0].visibilityTimeoutSeconds", "43201", "must be 0-43200 seconds");
            problemFor(withSub({ maxReceiveCount: 1_001 }), "subscriptions[0].maxReceiveCount", "1001", "must be 1-1000");
            problemFor(withSub({ maxEventAgeSeconds: 59 }), "subscriptions[0].maxEventAgeSeconds", "59", "must be 60-86400 seconds");
            problemFor(withSub({ maxEventAgeSeconds: 86_401 }), "subscriptions[0].maxEventAgeSeconds", "86401", "must be 60-86400 seconds");
            problemFor(withSub({ maxRetryAttempts: 186 }), "subscriptions[0].maxRetryAttempts", "186", "must be 0-185");
            problemFor(withSub({ maxRetryAttempts: -1 }), "subscriptions[0].maxRetryAttempts", "-1", "must be 0-185");
        });

        it("rejects a message group on a standard subscription", () => {
            problemFor(withSub({ messageGroupId: "g1" }), "subscriptions[0].messageGroupId", '"g1"', "applies only to FIFO subscriptions");
        });

        it("rejects archive retention, alarm threshold, bus DLQ retention and key reuse out of range", () => {
            problemFor(validate({ archiveRetentionDays: -1 }), "archiveRetentionDays", "-1", ">= 0");
            problemFor(validate({ oldestMessageAlarmSeconds: 30 }), "oldestMessageAlarmSeconds", "30", "must be 60-1209600 seconds");
            problemFor(validate({ busDlqRetentionSeconds: 2_000_000 }), "busDlqRetentionSeconds", "2000000", "must be 60-1209600 seconds");
            problemFor(validate({ kmsDataKeyReusePeriodSeconds: 30 }), "kmsDataKeyReusePeriodSeconds", "30", "must be 60-86400 seconds");
        });

        it("rejects notifications for unknown or FIFO subscriptions", () => {
            problemFor(
                validate({ notifications: { subscriptions: ["nope"] } }),
                "notifications.subscriptions[0]",
                '"nope"',
                "must name a subscription of this bus (order-created, ledger)",
            );
            problemFor(
                validate({ notifications: { subscriptions: ["ledger"] } }),
                "notifications.subscriptions[0]",
                '"ledger"',
                "a standard SNS topic cannot deliver to a FIFO queue",
            );
            problemFor(validate({ notifications: { subscriptions: ["order-created", "order-created"] } }), "notifications.subscriptions[1]", '"order-created"', "listed once");
        });
    });
});
