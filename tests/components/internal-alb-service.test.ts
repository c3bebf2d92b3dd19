import * as assert from "assert";
import {
    ALB_TLS_POLICIES,
    ELB_ACCOUNT_REGIONS,
    ELB_LOG_DELIVERY_PRINCIPAL,
    InternalAlbService,
    InternalAlbServiceArgs,
    ecrRepositoryArn,
    secretArnOf,
    validateInternalAlbServiceArgs,
} from "../../components/internal-alb-service";
import { ValidationError, formatProblem } from "../../config/problems";
import { ELB_ACCOUNT_BY_REGION } from "../../engine/mocks";
import { DEFAULT_ALLOWED_SSL_POLICIES } from "../../policies/rules/encryption-in-transit";
import { PolicyStatement, kmsViaService } from "../../lib/iam";
import {
    CACHE_SG,
    DATABASE_SG,
    DB_SECRET_ARN,
    FIXTURE_ACCOUNT,
    KEY_ARNS,
    ORDERS_STATEMENTS,
    internalAlbServiceArgs,
    inventoryService,
    ordersService,
    paymentsService,
} from "../fixtures/internal-alb-service";
import { Recorded, RecordedResource, policyDocument, record, resolveOutput } from "../support/harness";

const T = {
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    tg: "aws:lb/targetGroup:TargetGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    service: "aws:ecs/service:Service",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    target: "aws:appautoscaling/target:Target",
    policy: "aws:appautoscaling/policy:Policy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
} as const;

async function build(args: InternalAlbServiceArgs = internalAlbServiceArgs(), region?: string): Promise<{ value: InternalAlbService; resources: Recorded }> {
    const { value, resources } = await record(() => new InternalAlbService("app", args), region ? { region } : {});
    return { value, resources };
}

function statementsOf(resource: RecordedResource, field = "policy"): PolicyStatement[] {
    return policyDocument(resource.inputs[field]).Statement as unknown as PolicyStatement[];
}

/** Problems the validator reports for `args`, formatted as they appear in the ValidationError. */
function problemsOf(args: InternalAlbServiceArgs, name = "app"): string[] {
    return validateInternalAlbServiceArgs(name, args).list.map(formatProblem);
}

describe("InternalAlbService", function () {
    let baseline: { value: InternalAlbService; resources: Recorded };

    before(async function () {
        baseline = await build();
    });

    it("accepts the compliant baseline without problems", function () {
        assert.deepStrictEqual(problemsOf(internalAlbServiceArgs()), []);
    });

    it("creates exactly the expected resources for two services", function () {
        assert.deepStrictEqual(baseline.resources.countByType(), {
            "pulumi:pulumi:Stack": 1,
            "platform:app:InternalAlbService": 1,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketVersioning:BucketVersioning": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:acm/certificate:Certificate": 1,
            "aws:route53/record:Record": 1,
            "aws:acm/certificateValidation:CertificateValidation": 1,
            "aws:lb/loadBalancer:LoadBalancer": 1,
            "aws:lb/listener:Listener": 2,
            "aws:ecs/cluster:Cluster": 1,
            // ALB, client, one per service.
            "aws:ec2/securityGroup:SecurityGroup": 4,
            // ALB from client; per service from ALB; orders' two dependencies.
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 5,
            // client to ALB; ALB to each service; each service to AWS APIs; orders to its two dependencies.
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 7,
            "aws:cloudwatch/logGroup:LogGroup": 2,
            "aws:iam/role:Role": 4,
            "aws:iam/rolePolicy:RolePolicy": 4,
            "aws:ecs/taskDefinition:TaskDefinition": 2,
            "aws:lb/targetGroup:TargetGroup": 2,
            "aws:lb/listenerRule:ListenerRule": 2,
            "aws:ecs/service:Service": 2,
            "aws:appautoscaling/target:Target": 2,
            "aws:appautoscaling/policy:Policy": 6,
        });
        const component = baseline.resources.one("platform:app:InternalAlbService", "app");
        const custom = baseline.resources.all.filter((r) => r.custom);
        assert.ok(
            custom.every((r) => r.parent === component.urn),
            "every resource is a child of the component",
        );
    });

    it("creates an internal, hardened ALB in the private subnets with access logs", function () {
        const alb = baseline.resources.one(T.alb, "app-alb");
        const sgId = baseline.resources.one(T.ingress, "app-alb-from-client").inputs.securityGroupId;
        const bucketName = baseline.resources.one(T.bucketPolicy).inputs.bucket;
        assert.deepStrictEqual(alb.inputs, {
            loadBalancerType: "application",
            internal: true,
            ipAddressType: "ipv4",
            subnets: ["subnet-prv0aaaaaa", "subnet-prv1bbbbbb"],
            securityGroups: [sgId],
            enableDeletionProtection: true,
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "defensive",
            idleTimeout: 60,
            enableHttp2: true,
            enableWafFailOpen: false,
            xffHeaderProcessingMode: "append",
            accessLogs: { bucket: bucketName, prefix: "alb", enabled: true },
        });
        // Logging is turned on only after the bucket policy lets ELB write.
        assert.ok(alb.dependencies.includes(baseline.resources.one(T.bucketPolicy).urn));
    });

    it("passes deletion protection, desync mode, TLS policy and access-log settings through", async function () {
        const { resources } = await build(
            internalAlbServiceArgs({
                deletionProtection: false,
                desyncMitigationMode: "strictest",
                tlsPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
                // An explicit undefined keeps the default (merged with ??, not by spreading).
                accessLogs: { prefix: undefined, expirationDays: 30 },
            }),
        );
        const alb = resources.one(T.alb);
        assert.strictEqual(alb.inputs.enableDeletionProtection, false);
        assert.deepStrictEqual((alb.inputs.accessLogs as Record<string, unknown>).prefix, "alb");
        const lifecycle = resources.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Record<string, unknown>[];
        assert.deepStrictEqual(lifecycle[0].expiration, { days: 30 });
        assert.strictEqual(alb.inputs.desyncMitigationMode, "strictest");
        assert.strictEqual(resources.one(T.listener, "app-https").inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-3-2021-06");
    });

    it("serves HTTPS on 443 with the validated certificate, TLS 1.3 policy and a fixed 404 default", function () {
        const https = baseline.resources.one(T.listener, "app-https");
        const cert = baseline.resources.one(T.cert, "app-cert");
        const validation = baseline.resources.one(T.certValidation, "app-cert-validation");
        const record = baseline.resources.one(T.record, "app-cert-validation");
        assert.deepStrictEqual(cert.inputs, { domainName: "*.internal.example.com", validationMethod: "DNS" });
        assert.deepStrictEqual(
            { zoneId: record.inputs.zoneId, type: record.inputs.type, ttl: record.inputs.ttl, allowOverwrite: record.inputs.allowOverwrite },
            { zoneId: "Z0123456789ABCDEFGHIJ", type: "CNAME", ttl: 300, allowOverwrite: true },
        );
        assert.match(String(record.inputs.name), /^_[0-9a-f]{10}\.internal\.example\.com\.$/);
        assert.deepStrictEqual(validation.inputs.validationRecordFqdns, [record.inputs.name]);
        const { loadBalancerArn, ...rest } = https.inputs;
        assert.match(String(loadBalancerArn), /^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer\/app\/app-alb-/);
        assert.deepStrictEqual(rest, {
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn: validation.inputs.certificateArn,
            defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } }],
        });
    });

    it("only redirects to HTTPS on port 80", function () {
        const http = baseline.resources.one(T.listener, "app-http-redirect");
        const { loadBalancerArn, ...rest } = http.inputs;
        assert.strictEqual(loadBalancerArn, baseline.resources.one(T.listener, "app-https").inputs.loadBalancerArn);
        assert.deepStrictEqual(rest, {
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        });
    });

    it("routes each service with its own rule: conditions, priority and forward to its target group", async function () {
        const listenerArn = await resolveOutput(baseline.value.listenerArn);
        const orders = baseline.resources.one(T.rule, "app-orders-rule");
        const payments = baseline.resources.one(T.rule, "app-payments-rule");
        const ordersTg = await resolveOutput(baseline.value.services.orders.targetGroupArn);
        const paymentsTg = await resolveOutput(baseline.value.services.payments.targetGroupArn);
        assert.deepStrictEqual(orders.inputs, {
            listenerArn,
            priority: 10,
            conditions: [{ hostHeader: { values: ["orders.internal.example.com"] } }, { pathPattern: { values: ["/orders", "/orders/*"] } }],
            actions: [{ type: "forward", targetGroupArn: ordersTg }],
        });
        assert.deepStrictEqual(payments.inputs, {
            listenerArn,
            priority: 20,
            conditions: [{ pathPattern: { values: ["/payments/*"] } }],
            actions: [{ type: "forward", targetGroupArn: paymentsTg }],
        });
    });

    it("keeps existing rules' priorities (and rules) when a third service is added", async function () {
        const three = await build(internalAlbServiceArgs({ services: [ordersService(), inventoryService(), paymentsService()] }));
        const priorities = (resources: Recorded) => Object.fromEntries(resources.ofType(T.rule).map((r) => [r.name, r.inputs.priority]));
        assert.deepStrictEqual(priorities(three.resources), { "app-orders-rule": 10, "app-inventory-rule": 15, "app-payments-rule": 20 });
        for (const name of ["app-orders-rule", "app-payments-rule"]) {
            assert.strictEqual(three.resources.one(T.rule, name).urn, baseline.resources.one(T.rule, name).urn);
            assert.deepStrictEqual(three.resources.one(T.rule, name).inputs.priority, baseline.resources.one(T.rule, name).inputs.priority);
        }
    });

    it("registers tasks by IP in target groups with the service's port, protocol, health check and deregistration delay", function () {
        assert.deepStrictEqual(baseline.resources.one(T.tg, "app-orders").inputs, {
            vpcId: "vpc-0123456789abcdef0",
            targetType: "ip",
            port: 8080,
            protocol: "HTTP",
            protocolVersion: "HTTP1",
            deregistrationDelay: 30,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                port: "traffic-port",
                path: "/healthz",
                matcher: "200",
                interval: 15,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
            },
        });
        assert.deepStrictEqual(baseline.resources.one(T.tg, "app-payments").inputs.healthCheck, {
            enabled: true,
            protocol: "HTTP",
            port: "traffic-port",
            path: "/health",
            matcher: "200",
            interval: 15,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
        });
    });

    it("uses HTTPS to targets and health checks when the service asks for it", async function () {
        const { resources } = await build(
            internalAlbServiceArgs({
                services: [
                    ordersService({
                        targetProtocol: "HTTPS",
                        deregistrationDelaySeconds: 5,
                        healthCheck: { path: "/ready", matcher: "200-299", intervalSeconds: 10, timeoutSeconds: 3 },
                    }),
                    paymentsService(),
                ],
            }),
        );
        const tg = resources.one(T.tg, "app-orders");
        assert.strictEqual(tg.inputs.protocol, "HTTPS");
        assert.strictEqual(tg.inputs.deregistrationDelay, 5);
        assert.deepStrictEqual(tg.inputs.healthCheck, {
            enabled: true,
            protocol: "HTTPS",
            port: "traffic-port",
            path: "/ready",
            matcher: "200-299",
            interval: 10,
            timeout: 3,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
        });
    });

    it("runs each service on Fargate in the private subnets without public IP, with circuit breaker and ignored desiredCount", async function () {
        const service = baseline.resources.one(T.service, "app-orders-service");
        const clusterArn = await resolveOutput(baseline.value.clusterArn);
        const sgId = await resolveOutput(baseline.value.services.orders.securityGroupId);
        const tgArn = await resolveOutput(baseline.value.services.orders.targetGroupArn);
        const { taskDefinition, ...rest } = service.inputs;
        assert.match(String(taskDefinition), /^arn:aws:ecs:eu-west-1:123456789012:task-definition\/platform-test-app-orders:1$/);
        assert.deepStrictEqual(rest, {
            cluster: clusterArn,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            desiredCount: 2,
            networkConfiguration: { subnets: ["subnet-prv0aaaaaa", "subnet-prv1bbbbbb"], securityGroups: [sgId], assignPublicIp: false },
            loadBalancers: [{ targetGroupArn: tgArn, containerName: "orders", containerPort: 8080 }],
            healthCheckGracePeriodSeconds: 60,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            availabilityZoneRebalancing: "ENABLED",
            enableExecuteCommand: false,
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
        });
        assert.deepStrictEqual(service.ignoreChanges, ["desiredCount"]);
        assert.ok(service.dependencies.includes(baseline.resources.one(T.rule, "app-orders-rule").urn), "the service waits for its listener rule");
        assert.deepStrictEqual(baseline.resources.one(T.cluster, "app-cluster").inputs, { settings: [{ name: "containerInsights", value: "enabled" }] });
    });

    it("defines each task with a hardened container: read-only root, /tmp volume, init, non-root user, awslogs, secrets", async function () {
        const task = baseline.resources.one(T.task, "app-orders-task");
        const execArn = `arn:aws:iam::${FIXTURE_ACCOUNT}:role/${await resolveOutput(baseline.resources.one(T.rolePolicy, "app-orders-exec-policy").inputs.role as string)}`;
        const taskRoleArn = await resolveOutput(baseline.value.services.orders.taskRoleArn);
        const logGroupName = await resolveOutput(baseline.value.services.orders.logGroupName);
        const { containerDefinitions, ...rest } = task.inputs;
        assert.deepStrictEqual(rest, {
            family: "platform-test-app-orders",
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "512",
            memory: "1024",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            executionRoleArn: execArn,
            taskRoleArn,
            volumes: [{ name: "tmp" }],
        });
        const containers = JSON.parse(String(containerDefinitions)) as Record<string, unknown>[];
        assert.deepStrictEqual(containers, [
            {
                name: "orders",
                image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2",
                essential: true,
                portMappings: [{ containerPort: 8080, protocol: "tcp" }],
                readonlyRootFilesystem: true,
                user: "1000:1000",
                linuxParameters: { initProcessEnabled: true },
                environment: [
                    { name: "APP_KMS_KEY_ARN", value: KEY_ARNS.app },
                    { name: "LOG_LEVEL", value: "info" },
                    { name: "SERVICE_NAME", value: "orders" },
                ],
                secrets: [{ name: "DB_CREDENTIALS", valueFrom: DB_SECRET_ARN }],
                mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
                logConfiguration: {
                    logDriver: "awslogs",
                    options: { "awslogs-group": logGroupName, "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "orders", mode: "non-blocking", "max-buffer-size": "25m" },
                },
            },
        ]);
        assert.ok(!("privileged" in containers[0]), "privileged is never set");
    });

    it("omits the /tmp volume and user when the root filesystem is writable and no user is given", async function () {
        const { resources } = await build(internalAlbServiceArgs({ services: [ordersService({ readonlyRootFilesystem: false, user: undefined }), paymentsService()] }));
        const task = resources.one(T.task, "app-orders-task");
        assert.deepStrictEqual(task.inputs.volumes, []);
        const [container] = JSON.parse(String(task.inputs.containerDefinitions)) as Record<string, unknown>[];
        assert.strictEqual(container.readonlyRootFilesystem, false);
        assert.deepStrictEqual(container.mountPoints, []);
        assert.ok(!("user" in container));
    });

    it("scales each service between min and max on CPU, memory and ALB requests per target", async function () {
        const albSuffix = await resolveOutput(baseline.value.albArnSuffix);
        const clusterName = await resolveOutput(baseline.value.clusterName);
        const serviceName = await resolveOutput(baseline.value.services.orders.serviceName);
        const tgArn = await resolveOutput(baseline.value.services.orders.targetGroupArn);
        const tgSuffix = tgArn.slice(tgArn.indexOf("targetgroup/"));
        const resourceId = `service/${clusterName}/${serviceName}`;
        assert.deepStrictEqual(baseline.resources.one(T.target, "app-orders-scaling").inputs, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId,
            minCapacity: 2,
            maxCapacity: 6,
        });
        assert.deepStrictEqual(baseline.resources.one(T.target, "app-payments-scaling").inputs.minCapacity, 2);
        assert.deepStrictEqual(baseline.resources.one(T.target, "app-payments-scaling").inputs.maxCapacity, 4);
        const common = { policyType: "TargetTrackingScaling", serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId };
        const cooldowns = { scaleOutCooldown: 60, scaleInCooldown: 300 };
        assert.deepStrictEqual(baseline.resources.one(T.policy, "app-orders-scale-cpu").inputs, {
            ...common,
            targetTrackingScalingPolicyConfiguration: { ...cooldowns, targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } },
        });
        assert.deepStrictEqual(baseline.resources.one(T.policy, "app-orders-scale-memory").inputs, {
            ...common,
            targetTrackingScalingPolicyConfiguration: {
                ...cooldowns,
                targetValue: 70,
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
            },
        });
        assert.deepStrictEqual(baseline.resources.one(T.policy, "app-orders-scale-requests").inputs, {
            ...common,
            targetTrackingScalingPolicyConfiguration: {
                ...cooldowns,
                targetValue: 1000,
                predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: `${albSuffix}/${tgSuffix}` },
            },
        });
        assert.match(`${albSuffix}/${tgSuffix}`, /^app\/app-alb-[0-9a-f]{7}\/[0-9a-f]{16}\/targetgroup\/app-orders-[0-9a-f]{7}\/[0-9a-f]{16}$/);
    });

    it("adds target tracking on SQS backlog per task (metric math) when queue scaling is set", async function () {
        const { value, resources } = await build(
            internalAlbServiceArgs({ services: [ordersService(), paymentsService({ queueScaling: { queueName: "payments-requested", backlogPerTask: 25 } })] }),
        );
        assert.strictEqual(resources.ofType(T.policy).length, 7);
        assert.deepStrictEqual(
            resources
                .ofType(T.policy)
                .filter((p) => p.name.startsWith("app-payments-"))
                .map((p) => p.name)
                .sort(),
            ["app-payments-scale-backlog", "app-payments-scale-cpu", "app-payments-scale-memory", "app-payments-scale-requests"],
        );
        const clusterName = await resolveOutput(value.clusterName);
        const serviceName = await resolveOutput(value.services.payments.serviceName);
        assert.deepStrictEqual(resources.one(T.policy, "app-payments-scale-backlog").inputs.targetTrackingScalingPolicyConfiguration, {
            scaleOutCooldown: 60,
            scaleInCooldown: 300,
            targetValue: 25,
            customizedMetricSpecification: {
                metrics: [
                    {
                        id: "m1",
                        label: "Visible messages in the queue",
                        metricStat: {
                            metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: "payments-requested" }] },
                            stat: "Sum",
                        },
                        returnData: false,
                    },
                    {
                        id: "m2",
                        label: "Running tasks of the service",
                        metricStat: {
                            metric: {
                                namespace: "ECS/ContainerInsights",
                                metricName: "RunningTaskCount",
                                dimensions: [
                                    { name: "ClusterName", value: clusterName },
                                    { name: "ServiceName", value: serviceName },
                                ],
                            },
                            stat: "Average",
                        },
                        returnData: false,
                    },
                    { id: "e1", label: "Backlog per task", expression: "m1 / m2", returnData: true },
                ],
            },
        });
    });

    it("creates exactly the security group rules of the trust boundaries, none open for ingress", async function () {
        const ids: Record<string, string> = {
            [await resolveOutput(baseline.value.albSecurityGroupId)]: "alb",
            [await resolveOutput(baseline.value.clientSecurityGroupId)]: "client",
            [await resolveOutput(baseline.value.services.orders.securityGroupId)]: "orders",
            [await resolveOutput(baseline.value.services.payments.securityGroupId)]: "payments",
            [DATABASE_SG]: "database",
            [CACHE_SG]: "cache",
        };
        const describe = (direction: string) => (r: RecordedResource) => {
            const i = r.inputs;
            const peer = typeof i.referencedSecurityGroupId === "string" ? `sg:${ids[i.referencedSecurityGroupId]}` : `cidr:${String(i.cidrIpv4 ?? i.cidrIpv6)}`;
            return `${ids[String(i.securityGroupId)]} ${direction} ${String(i.ipProtocol)} ${String(i.fromPort)}-${String(i.toPort)} ${peer}`;
        };
        const rules = [...baseline.resources.ofType(T.ingress).map(describe("in")), ...baseline.resources.ofType(T.egress).map(describe("out"))].sort();
        assert.deepStrictEqual(rules, [
            "alb in tcp 443-443 sg:client",
            "alb out tcp 8080-8080 sg:orders",
            "alb out tcp 9000-9000 sg:payments",
            "cache in tcp 6379-6379 sg:orders",
            "client out tcp 443-443 sg:alb",
            "database in tcp 5432-5432 sg:orders",
            "orders in tcp 8080-8080 sg:alb",
            "orders out tcp 443-443 cidr:0.0.0.0/0",
            "orders out tcp 5432-5432 sg:database",
            "orders out tcp 6379-6379 sg:cache",
            "payments in tcp 9000-9000 sg:alb",
            "payments out tcp 443-443 cidr:0.0.0.0/0",
        ]);
        for (const ingress of baseline.resources.ofType(T.ingress)) {
            assert.notStrictEqual(ingress.inputs.cidrIpv4, "0.0.0.0/0", ingress.name);
            assert.notStrictEqual(ingress.inputs.cidrIpv6, "::/0", ingress.name);
        }
        for (const sg of baseline.resources.ofType(T.sg)) {
            assert.ok(!("ingress" in sg.inputs) && !("egress" in sg.inputs), `${sg.name} has no inline rules`);
        }
        assert.deepStrictEqual(
            baseline.resources
                .ofType(T.ingress)
                .filter((r) => r.name.includes("dep"))
                .map((r) => r.inputs.description)
                .sort(),
            ["orders -> Aurora PostgreSQL", "orders -> Valkey cache"],
        );
    });

    it("adds one 443 ingress per extra private CIDR", async function () {
        const { value, resources } = await build(internalAlbServiceArgs({ extraIngressCidrs: ["10.20.0.0/16"] }));
        const rule = resources.one(T.ingress, "app-alb-from-10-20-0-0-16");
        assert.deepStrictEqual(rule.inputs, {
            securityGroupId: await resolveOutput(value.albSecurityGroupId),
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "10.20.0.0/16",
            description: "HTTPS from private range 10.20.0.0/16",
        });
        assert.strictEqual(resources.ofType(T.ingress).length, 6);
    });

    it("gives each task role exactly the passed statements plus the envelope-encryption grant", function () {
        const envelope = (service: string) => ({
            Sid: "EnvelopeEncryption",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: [KEY_ARNS.app],
            Condition: { StringEquals: { "kms:EncryptionContext:service": service } },
        });
        assert.deepStrictEqual(statementsOf(baseline.resources.one(T.rolePolicy, "app-orders-task-policy")), [...ORDERS_STATEMENTS, envelope("orders")]);
        assert.deepStrictEqual(statementsOf(baseline.resources.one(T.rolePolicy, "app-payments-task-policy")), [envelope("payments")]);
    });

    it("accepts task role statements that are not known yet", async function () {
        const { resources } = await build(internalAlbServiceArgs({ services: [ordersService({ policyStatements: eventually(ORDERS_STATEMENTS) }), paymentsService()] }));
        assert.deepStrictEqual(statementsOf(resources.one(T.rolePolicy, "app-orders-task-policy")).slice(0, 2), ORDERS_STATEMENTS);
    });

    it("scopes each execution role to its repository, log stream and secrets; task roles trust only this account's tasks", async function () {
        const logGroupName = await resolveOutput(baseline.value.services.orders.logGroupName);
        assert.deepStrictEqual(statementsOf(baseline.resources.one(T.rolePolicy, "app-orders-exec-policy")), [
            { Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
            {
                Sid: "EcrPull",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: ["arn:aws:ecr:eu-west-1:123456789012:repository/orders"],
            },
            {
                Sid: "Logs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [`arn:aws:logs:eu-west-1:123456789012:log-group:${logGroupName}:log-stream:*`],
            },
            { Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [DB_SECRET_ARN] },
            {
                Sid: "SecretsDecrypt",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: [KEY_ARNS.data],
                Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
            },
        ]);
        assert.deepStrictEqual(
            statementsOf(baseline.resources.one(T.rolePolicy, "app-payments-exec-policy")).map((s) => s.Sid),
            ["EcrAuth", "EcrPull", "Logs"],
        );
        assert.deepStrictEqual(policyDocument(baseline.resources.one(T.role, "app-orders-exec-role").inputs.assumeRolePolicy).Statement, [
            { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: ["sts:AssumeRole"] },
        ]);
        const trust = policyDocument(baseline.resources.one(T.role, "app-orders-task-role").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: ["sts:AssumeRole"],
                Condition: { StringEquals: { "aws:SourceAccount": FIXTURE_ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ecs:eu-west-1:${FIXTURE_ACCOUNT}:*` } },
            },
        ]);
    });

    it("grants no ECR access for images outside ECR and reads a JSON-key secret by its secret ARN", async function () {
        const { resources } = await build(
            internalAlbServiceArgs({
                services: [ordersService({ image: "ghcr.io/acme/orders:1.4.2", secrets: { DB_PASSWORD: `${DB_SECRET_ARN}:password::` } }), paymentsService()],
            }),
        );
        const statements = statementsOf(resources.one(T.rolePolicy, "app-orders-exec-policy"));
        assert.deepStrictEqual(
            statements.map((s) => s.Sid),
            ["Logs", "Secrets", "SecretsDecrypt"],
        );
        assert.deepStrictEqual(statements[1].Resource, [DB_SECRET_ARN]);
        assert.strictEqual(ecrRepositoryArn("public.ecr.aws/nginx/nginx:1.27"), undefined);
        assert.strictEqual(ecrRepositoryArn("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app:1"), "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/app");
        assert.strictEqual(secretArnOf(`${DB_SECRET_ARN}:password:AWSCURRENT:`), DB_SECRET_ARN);
    });

    it("grants no wildcard action anywhere; the only wildcard is the TLS-only Deny", function () {
        const documents: [string, PolicyStatement[]][] = [
            ...baseline.resources.ofType(T.rolePolicy).map((r): [string, PolicyStatement[]] => [r.name, statementsOf(r)]),
            ...baseline.resources.ofType(T.role).map((r): [string, PolicyStatement[]] => [r.name, statementsOf(r, "assumeRolePolicy")]),
            ...baseline.resources.ofType(T.bucketPolicy).map((r): [string, PolicyStatement[]] => [r.name, statementsOf(r)]),
        ];
        assert.strictEqual(documents.length, 9);
        const wildcard = (a: string) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a);
        for (const [name, statements] of documents) {
            for (const s of statements) {
                const wild = s.Action.filter(wildcard);
                if (s.Effect === "Allow") {
                    assert.deepStrictEqual(wild, [], `${name} ${s.Sid ?? ""} allows a wildcard action`);
                } else {
                    assert.deepStrictEqual([s.Sid, wild], ["DenyInsecureTransport", ["s3:*"]], `${name}: unexpected Deny`);
                }
            }
        }
    });

    it("encrypts each service's log group with the logs key and sets retention", function () {
        for (const svc of ["orders", "payments"]) {
            assert.deepStrictEqual(baseline.resources.one(T.logGroup, `app-${svc}-logs`).inputs, { kmsKeyId: KEY_ARNS.logs, retentionInDays: 30 });
        }
    });

    it("keeps access logs in a private, versioned, SSE-S3, lifecycle-managed, owner-enforced bucket", function () {
        const r = baseline.resources;
        const bucketName = String(r.one(T.bucketPolicy).inputs.bucket);
        assert.match(bucketName, /^app-alb-logs-[0-9a-f]{7}$/);
        assert.deepStrictEqual(r.one(T.bucket, "app-alb-logs").inputs, { forceDestroy: false });
        assert.deepStrictEqual(r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs, {
            bucket: bucketName,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        });
        assert.deepStrictEqual(r.one("aws:s3/bucketVersioning:BucketVersioning").inputs, { bucket: bucketName, versioningConfiguration: { status: "Enabled" } });
        assert.deepStrictEqual(r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs, {
            bucket: bucketName,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        assert.deepStrictEqual(r.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs, { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } });
        assert.deepStrictEqual(r.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs, {
            bucket: bucketName,
            rules: [
                {
                    id: "expire-access-logs",
                    status: "Enabled",
                    filter: {},
                    expiration: { days: 90 },
                    noncurrentVersionExpiration: { noncurrentDays: 30 },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ],
        });
    });

    it("lets the regional ELB account and the log-delivery principal write logs, and denies plain HTTP", function () {
        const policy = baseline.resources.one(T.bucketPolicy, "app-alb-logs-policy");
        const bucketArn = `arn:aws:s3:::${String(policy.inputs.bucket)}`;
        const objects = `${bucketArn}/alb/AWSLogs/${FIXTURE_ACCOUNT}/*`;
        assert.deepStrictEqual(statementsOf(policy), [
            {
                Sid: "AllowElbAccountLogDelivery",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ELB_ACCOUNT_BY_REGION["eu-west-1"]}:root` },
                Action: ["s3:PutObject"],
                Resource: [objects],
            },
            { Sid: "AllowElbServiceLogDelivery", Effect: "Allow", Principal: { Service: ELB_LOG_DELIVERY_PRINCIPAL }, Action: ["s3:PutObject"], Resource: [objects] },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: ["s3:*"],
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });

    it("uses only the log-delivery service principal in a Region opened after August 2022 (no getServiceAccount call)", async function () {
        // il-central-1 (Tel Aviv, opened August 2023) has no ELB account: the mock throws for
        // getServiceAccount there, so reaching the assertions proves it was not called.
        const { resources } = await build(internalAlbServiceArgs({ region: "il-central-1" }), "il-central-1");
        const statements = statementsOf(resources.one(T.bucketPolicy));
        assert.deepStrictEqual(
            statements.map((s) => [s.Sid, s.Principal]),
            [
                ["AllowElbServiceLogDelivery", { Service: ELB_LOG_DELIVERY_PRINCIPAL }],
                ["DenyInsecureTransport", "*"],
            ],
        );
        const [container] = JSON.parse(String(resources.one(T.task, "app-orders-task").inputs.containerDefinitions)) as { logConfiguration: { options: Record<string, string> } }[];
        assert.strictEqual(container.logConfiguration.options["awslogs-region"], "il-central-1");
    });

    it("grants the regional ELB account in Asia Pacific (Jakarta), which opened before August 2022", async function () {
        const { resources } = await build(internalAlbServiceArgs({ region: "ap-southeast-3" }), "ap-southeast-3");
        assert.deepStrictEqual(
            statementsOf(resources.one(T.bucketPolicy)).map((s) => [s.Sid, s.Principal]),
            [
                ["AllowElbAccountLogDelivery", { AWS: "arn:aws:iam::589379963580:root" }],
                ["AllowElbServiceLogDelivery", { Service: ELB_LOG_DELIVERY_PRINCIPAL }],
                ["DenyInsecureTransport", "*"],
            ],
        );
    });

    it("lists exactly the 26 Regions with an ELB log-delivery account (the AWS table the mock encodes)", function () {
        assert.deepStrictEqual([...ELB_ACCOUNT_REGIONS].sort(), Object.keys(ELB_ACCOUNT_BY_REGION).sort());
        assert.strictEqual(ELB_ACCOUNT_REGIONS.length, 26);
        for (const newer of ["il-central-1", "me-central-1", "ap-southeast-4", "ap-south-2", "eu-central-2", "eu-south-2", "ca-west-1", "mx-central-1"]) {
            assert.ok(!ELB_ACCOUNT_REGIONS.includes(newer), `${newer} opened after August 2022`);
        }
    });

    it("names Secrets Manager of the Region in kms:ViaService, with the China DNS suffix in China", function () {
        assert.deepStrictEqual(
            [kmsViaService("secretsmanager", "eu-west-1"), kmsViaService("secretsmanager", "cn-north-1"), kmsViaService("secretsmanager", "us-gov-west-1")],
            ["secretsmanager.eu-west-1.amazonaws.com", "secretsmanager.cn-north-1.amazonaws.com.cn", "secretsmanager.us-gov-west-1.amazonaws.com"],
        );
    });

    it("exposes the outputs other components wire to", async function () {
        const v = baseline.value;
        assert.match(await resolveOutput(v.albArn), /^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer\/app\/app-alb-[0-9a-f]{7}\/[0-9a-f]{16}$/);
        assert.match(await resolveOutput(v.albArnSuffix), /^app\/app-alb-[0-9a-f]{7}\/[0-9a-f]{16}$/);
        assert.match(await resolveOutput(v.listenerArn), /^arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener\/app\/app-https\//);
        assert.match(await resolveOutput(v.dnsName), /^internal-app-alb-[0-9a-f]{7}-[0-9a-f]{10}\.eu-west-1\.elb\.amazonaws\.com$/);
        assert.strictEqual(await resolveOutput(v.zoneId), "Z32O12XQLNTSW2");
        assert.match(await resolveOutput(v.albSecurityGroupId), /^sg-[0-9a-f]{17}$/);
        assert.match(await resolveOutput(v.clientSecurityGroupId), /^sg-[0-9a-f]{17}$/);
        assert.match(await resolveOutput(v.clusterName), /^app-cluster-[0-9a-f]{7}$/);
        assert.match(await resolveOutput(v.clusterArn), /^arn:aws:ecs:eu-west-1:123456789012:cluster\/app-cluster-[0-9a-f]{7}$/);
        assert.deepStrictEqual(Object.keys(v.services), ["orders", "payments"]);
        const orders = v.services.orders;
        assert.match(await resolveOutput(orders.serviceName), /^app-orders-service-[0-9a-f]{7}$/);
        assert.match(await resolveOutput(orders.targetGroupArn), /:targetgroup\/app-orders-[0-9a-f]{7}\/[0-9a-f]{16}$/);
        assert.match(await resolveOutput(orders.taskRoleArn), /^arn:aws:iam::123456789012:role\/app-orders-task-role-[0-9a-f]{7}$/);
        assert.match(await resolveOutput(orders.taskRoleName), /^app-orders-task-role-[0-9a-f]{7}$/);
        assert.match(await resolveOutput(orders.logGroupName), /^app-orders-logs-[0-9a-f]{7}$/);
    });

    describe("validation", function () {
        const services = (...list: InternalAlbServiceArgs["services"]) => internalAlbServiceArgs({ services: list });

        it("allows exactly the TLS policies the policy pack allows by default, each one TLS 1.2+ and TLS 1.3", function () {
            assert.deepStrictEqual([...ALB_TLS_POLICIES].sort(), [...DEFAULT_ALLOWED_SSL_POLICIES].sort());
            for (const policy of ALB_TLS_POLICIES) {
                assert.match(policy, /^ELBSecurityPolicy-TLS13-1-[23]-/);
                assert.deepStrictEqual(problemsOf(internalAlbServiceArgs({ tlsPolicy: policy })), [], policy);
            }
        });

        /** Each case: a mutation of the baseline and the exact problem lines it must produce. */
        const CASES: [title: string, args: () => InternalAlbServiceArgs, expected: string[], name?: string][] = [
            [
                "fewer than two AZs",
                () => internalAlbServiceArgs({ availabilityZoneCount: 1 }),
                [
                    "InternalAlbServiceArgs.availabilityZoneCount = 1: must be >= 2: an Application Load Balancer needs subnets in at least two Availability Zones. Fix: spread the private subnets over 2 or more AZs",
                ],
            ],
            [
                "service name not DNS-safe",
                () => services(ordersService({ name: "Orders_API" }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0].name = "Orders_API": must be DNS-safe: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen. Fix: rename the service, e.g. orders-api',
                ],
            ],
            [
                "duplicate service names",
                () => services(ordersService(), paymentsService({ name: "orders" })),
                ['InternalAlbServiceArgs.services[1].name = "orders": must be unique; services[0] has the same name. Fix: rename one of the services'],
            ],
            [
                "target group name over 32 characters after autonaming",
                () => services(ordersService({ name: "order-processing-svc1" }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0].name = "order-processing-svc1": gives target group "app-order-processing-svc1", which autonaming extends to 33 characters; target group names are limited to 32. Fix: shorten the service name to 20 characters or fewer',
                ],
            ],
            [
                "ALB logical name too long",
                () => internalAlbServiceArgs({ services: [paymentsService({ name: "p" })] }),
                [
                    'InternalAlbService name = "platform-services-xyz": gives load balancer "platform-services-xyz-alb", which autonaming extends to 33 characters; load balancer names are limited to 32. Fix: shorten the component name to 20 characters or fewer',
                ],
                "platform-services-xyz",
            ],
            [
                "more than five condition values in one rule",
                () => services(ordersService({ hostPatterns: ["a.example.com", "b.example.com", "c.example.com"], pathPatterns: ["/a", "/b", "/c"] }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0] = {"hostPatterns":["a.example.com","b.example.com","c.example.com"],"pathPatterns":["/a","/b","/c"]}: has 6 host/path values; an ALB rule allows at most 5 condition values in total. Fix: use wildcards (e.g. /orders/*) to need fewer values',
                ],
            ],
            [
                "more than three values in one condition",
                () =>
                    services(
                        ordersService({ hostPatterns: ["a.example.com", "b.example.com", "c.example.com", "d.example.com"], pathPatterns: [] }),
                        paymentsService({ pathPatterns: ["/a", "/b", "/c", "/d"] }),
                    ),
                [
                    'InternalAlbServiceArgs.services[0].hostPatterns = ["a.example.com","b.example.com","c.example.com","d.example.com"]: has 4 values; an ALB rule condition allows at most 3 match evaluations. Fix: use a wildcard (e.g. *.internal.example.com) to need fewer host values',
                    'InternalAlbServiceArgs.services[1].pathPatterns = ["/a","/b","/c","/d"]: has 4 values; an ALB rule condition allows at most 3 match evaluations. Fix: use wildcards (e.g. /orders/*) to need fewer path values',
                ],
            ],
            [
                "more than five wildcards in one rule",
                () => services(ordersService({ hostPatterns: ["*.example.com"], pathPatterns: ["/o?d?rs/*", "/*/items/*"] }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0] = {"hostPatterns":["*.example.com"],"pathPatterns":["/o?d?rs/*","/*/items/*"]}: has 6 wildcards (* or ?) in its host/path values; an ALB rule allows at most 5. Fix: use fewer wildcards (one trailing /* per path usually suffices)',
                ],
            ],
            [
                "health-check codes outside 200-499, or a descending range",
                () =>
                    services(
                        ordersService({ healthCheck: { matcher: "200-599" } }),
                        paymentsService({ healthCheck: { matcher: "101" } }),
                        inventoryService({ healthCheck: { matcher: "299-200" } }),
                    ),
                [
                    'InternalAlbServiceArgs.services[0].healthCheck.matcher = "200-599": must be HTTP codes from 200 to 499 such as 200, 200,204 or 200-299 (an ALB target group accepts 200-499), each range ascending. Fix: use 200',
                    'InternalAlbServiceArgs.services[1].healthCheck.matcher = "101": must be HTTP codes from 200 to 499 such as 200, 200,204 or 200-299 (an ALB target group accepts 200-499), each range ascending. Fix: use 200',
                    'InternalAlbServiceArgs.services[2].healthCheck.matcher = "299-200": must be HTTP codes from 200 to 499 such as 200, 200,204 or 200-299 (an ALB target group accepts 200-499), each range ascending. Fix: use 200',
                ],
            ],
            [
                "no host or path pattern",
                () => services(ordersService({ hostPatterns: [], pathPatterns: [] }), paymentsService()),
                ['InternalAlbServiceArgs.services[0] = "orders": needs at least one host or path pattern for its listener rule. Fix: add hostPatterns and/or pathPatterns'],
            ],
            [
                "more than 100 rules",
                () => services(...Array.from({ length: 101 }, (_, i) => paymentsService({ name: `s${i}`, priority: i + 1 }))),
                [
                    'InternalAlbServiceArgs.services = "101 services": an ALB listener allows at most 100 rules (one per service). Fix: split the services over several InternalAlbService components',
                ],
            ],
            [
                "priority out of range",
                () => services(ordersService({ priority: 0 }), paymentsService({ priority: 50_001 })),
                [
                    "InternalAlbServiceArgs.services[0].priority = 0: must be an integer from 1 to 50000 (ALB listener rule priority). Fix: give every service a distinct priority; leave gaps (10, 20, 30) for later services",
                    "InternalAlbServiceArgs.services[1].priority = 50001: must be an integer from 1 to 50000 (ALB listener rule priority). Fix: give every service a distinct priority; leave gaps (10, 20, 30) for later services",
                ],
            ],
            [
                "duplicate priorities",
                () => services(ordersService(), paymentsService({ priority: 10 })),
                ["InternalAlbServiceArgs.services[1].priority = 10: must be unique; services[0] (orders) has the same priority. Fix: give each service its own priority"],
            ],
            [
                "unsupported Fargate CPU",
                () => services(ordersService({ cpu: 300 }), paymentsService()),
                ["InternalAlbServiceArgs.services[0].cpu = 300: must be a Fargate CPU value: 256, 512, 1024, 2048, 4096, 8192, 16384. Fix: pick a supported CPU size"],
            ],
            [
                "invalid Fargate CPU/memory pair",
                () => services(ordersService({ cpu: 256, memory: 4096 }), paymentsService()),
                [
                    "InternalAlbServiceArgs.services[0].memory = 4096: is not a valid Fargate pair with cpu 256; allowed: 512, 1024, 2048 MiB. Fix: pick a memory size listed for this CPU",
                ],
            ],
            [
                "minCount above maxCount",
                () => services(ordersService({ minCount: 5, maxCount: 3 }), paymentsService()),
                ["InternalAlbServiceArgs.services[0].minCount = 5: must not exceed maxCount (3). Fix: raise maxCount or lower minCount"],
            ],
            [
                "TLS policy without TLS 1.3",
                () => internalAlbServiceArgs({ tlsPolicy: "ELBSecurityPolicy-2016-08" }),
                [
                    'InternalAlbServiceArgs.tlsPolicy = "ELBSecurityPolicy-2016-08": must be a TLS 1.3 ELB security policy with TLS 1.2 as the minimum (ELBSecurityPolicy-TLS13-1-2-*, -1-2-Res-*, -1-3-*); older policies, and TLS13-1-0/1-1, accept TLS 1.0/1.1 or legacy ciphers. Fix: use ELBSecurityPolicy-TLS13-1-2-2021-06',
                ],
            ],
            [
                "TLS 1.3 policy that still accepts TLS 1.0",
                () => internalAlbServiceArgs({ tlsPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }),
                [
                    'InternalAlbServiceArgs.tlsPolicy = "ELBSecurityPolicy-TLS13-1-0-2021-06": must be a TLS 1.3 ELB security policy with TLS 1.2 as the minimum (ELBSecurityPolicy-TLS13-1-2-*, -1-2-Res-*, -1-3-*); older policies, and TLS13-1-0/1-1, accept TLS 1.0/1.1 or legacy ciphers. Fix: use ELBSecurityPolicy-TLS13-1-2-2021-06',
                ],
            ],
            [
                "world-open extra CIDRs",
                () => internalAlbServiceArgs({ extraIngressCidrs: ["0.0.0.0/0", "::/0"] }),
                [
                    'InternalAlbServiceArgs.extraIngressCidrs[0] = "0.0.0.0/0": must not be open to the world: the ALB is internal and takes traffic only from the client group and private ranges. Fix: remove it; callers in the VPC use the client security group',
                    'InternalAlbServiceArgs.extraIngressCidrs[1] = "::/0": must not be open to the world: the ALB is internal and takes traffic only from the client group and private ranges. Fix: remove it; callers in the VPC use the client security group',
                ],
            ],
            [
                "public extra CIDR",
                () => internalAlbServiceArgs({ extraIngressCidrs: ["8.8.8.0/24"] }),
                [
                    'InternalAlbServiceArgs.extraIngressCidrs[0] = "8.8.8.0/24": must be a private IPv4 CIDR (within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10) without host bits. Fix: use the private range of the callers, e.g. 10.20.0.0/16',
                ],
            ],
            [
                "desync mitigation off",
                () => internalAlbServiceArgs({ desyncMitigationMode: "monitor" as "defensive" }),
                [
                    'InternalAlbServiceArgs.desyncMitigationMode = "monitor": must be defensive or strictest (monitor lets desync attacks through). Fix: use defensive (or strictest)',
                ],
            ],
            [
                "certificate domain outside the public zone",
                () => internalAlbServiceArgs({ certificateDomain: "*.internal.example.org" }),
                [
                    'InternalAlbServiceArgs.certificateDomain = "*.internal.example.org": must be within the public zone example.com: its DNS validation record is created there. Fix: use a name under example.com, e.g. *.internal.example.com',
                ],
            ],
            [
                "container running as root",
                () => services(ordersService({ user: "0:0" }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0].user = "0:0": must be a non-root user: uid, uid:gid, name or name:group, never root or 0. Fix: use the image\'s unprivileged user, e.g. 1000:1000',
                ],
            ],
            [
                "reserved environment variable",
                () => services(ordersService({ environment: { SERVICE_NAME: "x" } }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0].environment.SERVICE_NAME = "SERVICE_NAME": is set by the component (service name and envelope-encryption key). Fix: remove it',
                ],
            ],
            [
                "wildcard action in a task role statement",
                () => services(ordersService({ policyStatements: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::b/*"] }] }), paymentsService()),
                [
                    'InternalAlbServiceArgs.services[0].policyStatements[0].Action = ["s3:*"]: must not grant wildcard actions (least privilege). Fix: list the exact actions the service calls',
                ],
            ],
            [
                "access-log prefix containing AWSLogs",
                () => internalAlbServiceArgs({ accessLogs: { prefix: "logs/AWSLogs" } }),
                [
                    'InternalAlbServiceArgs.accessLogs.prefix = "logs/AWSLogs": must be an S3 key prefix without leading or trailing / and without AWSLogs (ELB appends /AWSLogs/<account>/...). Fix: use e.g. alb',
                ],
            ],
            [
                "log retention CloudWatch does not accept",
                () => internalAlbServiceArgs({ logRetentionDays: 31 }),
                [
                    "InternalAlbServiceArgs.logRetentionDays = 31: must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Fix: pass the platform's logRetentionDays",
                ],
            ],
        ];

        for (const [title, args, expected, name] of CASES) {
            it(`rejects: ${title}`, function () {
                assert.deepStrictEqual(problemsOf(args(), name), expected);
            });
        }

        it("throws one ValidationError listing every problem before creating any resource", async function () {
            const args = services(ordersService({ cpu: 300 }), paymentsService({ priority: 10, minCount: 5, maxCount: 3 }));
            const created: string[] = [];
            await assert.rejects(
                record(() => new InternalAlbService("app", { ...args, availabilityZoneCount: 1 }), { onResource: (r) => created.push(r.type) }),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.strictEqual(
                        err.message,
                        [
                            "InternalAlbService app: 4 problems found:",
                            "  1. InternalAlbServiceArgs.availabilityZoneCount = 1: must be >= 2: an Application Load Balancer needs subnets in at least two Availability Zones. Fix: spread the private subnets over 2 or more AZs",
                            "  2. InternalAlbServiceArgs.services[0].cpu = 300: must be a Fargate CPU value: 256, 512, 1024, 2048, 4096, 8192, 16384. Fix: pick a supported CPU size",
                            "  3. InternalAlbServiceArgs.services[1].priority = 10: must be unique; services[0] (orders) has the same priority. Fix: give each service its own priority",
                            "  4. InternalAlbServiceArgs.services[1].minCount = 5: must not exceed maxCount (3). Fix: raise maxCount or lower minCount",
                        ].join("\n"),
                    );
                    return true;
                },
            );
            assert.ok(!created.some((t) => t.startsWith("aws:")), `no AWS resource was registered (got ${created.join(", ")})`);
        });

        it("checks task-role statements given as an Output when they resolve: a wildcard fails the run before the role policy is written", async function () {
            const wildcard = [{ Effect: "Allow" as const, Action: ["sqs:ReceiveMessage", "s3:*"], Resource: ["arn:aws:s3:::b/*"] }];
            const written: string[] = [];
            await assert.rejects(
                record(() => new InternalAlbService("app", services(ordersService(), paymentsService({ policyStatements: eventually(wildcard) }))), {
                    onResource: (r) => written.push(r.name),
                }),
                (err: unknown) => {
                    // The SDK wraps what an apply throws with the property it was resolving.
                    assert.ok(err instanceof Error, String(err));
                    assert.strictEqual(
                        err.message,
                        [
                            'error serializing property "policy": InternalAlbService app: 1 problem found:',
                            '  1. InternalAlbServiceArgs.services[1].policyStatements[0].Action = ["s3:*"]: must not grant wildcard actions (least privilege). Fix: list the exact actions the service calls',
                        ].join("\n"),
                    );
                    return true;
                },
            );
            assert.ok(!written.includes("app-payments-task-policy"), "the payments task policy was not registered");
        });
    });
});

/** A value that is not known yet (a promise), like the statements other components export as Outputs. */
function eventually<T>(value: T): Promise<T> {
    return new Promise((resolve) => setTimeout(() => resolve(value), 5));
}

describe("InternalAlbService: access-log protection", () => {
    it("protects and retains the access-log bucket only when asked", async () => {
        for (const protectAccessLogs of [true, false]) {
            const { resources } = await record(() => new InternalAlbService("app", { ...internalAlbServiceArgs(), protectAccessLogs }));
            const bucket = resources.one("aws:s3/bucket:Bucket", "app-alb-logs");
            assert.deepStrictEqual([bucket.protect, bucket.retainOnDelete], [protectAccessLogs, protectAccessLogs]);
        }
    });
});
