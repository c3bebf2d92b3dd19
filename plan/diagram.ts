/**
 * The architecture as a Mermaid flowchart, derived from the recorded resources alone: which
 * resources exist decides the nodes, and the values that tie them together decide the edges.
 * Nothing here knows the program's components; add a component and the picture follows.
 *
 * Nodes (one per resource of these kinds, grouped in a subgraph per top-level component):
 *   CloudFront distributions, API Gateway REST/HTTP APIs, VPC links, load balancers, ECS services,
 *   EventBridge buses, SNS topics, SQS queues, RDS clusters/instances, DynamoDB tables,
 *   ElastiCache replication groups, private hosted zones; S3 buckets only when a distribution
 *   serves them. Queues, topics and VPC links appear only when an edge reaches them.
 *
 * Edges, each from data the resources carry (ids and ARNs from the recorded state):
 *   clients -> CDN; clients -> API unless every CDN origin for it carries a secret header and
 *     the API's web ACL blocks requests without that header (CDN-only); labelled mTLS when the
 *     API's custom domain has a truststore.
 *   CDN -> bucket / API: an origin's domain name is the bucket's regional domain name, the API
 *     custom domain's regional domain name (then its base path mapping names the API) or the
 *     API's execute-api host; labelled with the cache behaviours' path patterns.
 *   API -> VPC link: integrations with connectionId = the link's id (sync).
 *   VPC link -> load balancer: the integration's integrationTarget (REST) or integrationUri
 *     (HTTP API: the listener's ARN).
 *   API -> bus: integrations calling EventBridge PutEvents (async); the bus named in the
 *     integration, or the only bus.
 *   load balancer -> service: listener (loadBalancerArn) -> listener rule (listenerArn) -> forward
 *     to a target group -> the ECS service registering that target group; labelled with the rule's
 *     path/host patterns.
 *   service -> data store / cache (or any node -> node): a security-group ingress rule on the
 *     target's group referencing the source's group, when no other edge joins them already.
 *   service -> table / bus / queue / topic: the service's task-role policy grants DynamoDB
 *     actions, events:PutEvents, sqs:SendMessage or sns:Publish on that resource's ARN.
 *   bus -> queue: an EventBridge rule on the bus whose target is the queue (labelled with the
 *     rule's detail types); topic -> queue: an SNS subscription with the queue as endpoint.
 *   queue -> service: the task role may sqs:ReceiveMessage the queue, or a scaling policy of the
 *     service tracks the queue's backlog.
 *   private zone -.-> database / cache / load balancer: records whose values (CNAME) or alias
 *     targets are their endpoints; labelled with the TTLs.
 */
import * as fs from "fs";
import { RecordedResource } from "../engine/mocks";
import { ResourceIndex, typeName } from "./model";

// ------------------------------------------------------------------------------------------------
// Type tokens the diagram reads
// ------------------------------------------------------------------------------------------------

const T = {
    distribution: "aws:cloudfront/distribution:Distribution",
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    restApi: "aws:apigateway/restApi:RestApi",
    httpApi: "aws:apigatewayv2/api:Api",
    restIntegration: "aws:apigateway/integration:Integration",
    httpIntegration: "aws:apigatewayv2/integration:Integration",
    domainName: "aws:apigateway/domainName:DomainName",
    basePathMapping: "aws:apigateway/basePathMapping:BasePathMapping",
    authorizer: "aws:apigateway/authorizer:Authorizer",
    usagePlan: "aws:apigateway/usagePlan:UsagePlan",
    webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    vpcLink: ["aws:apigatewayv2/vpcLink:VpcLink", "aws:apigateway/vpcLink:VpcLink"],
    loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    listenerRule: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
    ecsService: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policy: "aws:iam/policy:Policy",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    bus: "aws:cloudwatch/eventBus:EventBus",
    archive: "aws:cloudwatch/eventArchive:EventArchive",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    queue: "aws:sqs/queue:Queue",
    rdsCluster: "aws:rds/cluster:Cluster",
    rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsInstance: "aws:rds/instance:Instance",
    table: "aws:dynamodb/table:Table",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    zone: "aws:route53/zone:Zone",
    record: "aws:route53/record:Record",
    sgIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
} as const;

// ------------------------------------------------------------------------------------------------
// Reading values out of records
// ------------------------------------------------------------------------------------------------

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function strings(value: unknown): string[] {
    return list(value).filter((v): v is string => typeof v === "string" && v !== "");
}

function bags(value: unknown): Bag[] {
    return list(value).filter(isBag);
}

/** A property from the recorded state (inputs plus mocked outputs), falling back to the inputs. */
function prop(r: RecordedResource, key: string): unknown {
    return r.state[key] ?? r.inputs[key];
}

/** Every value by which other resources may refer to `r`: id, ARN, name and the given keys. */
function refs(r: RecordedResource, ...keys: string[]): Set<string> {
    const out = new Set<string>();
    for (const value of [r.id, ...["arn", "name", ...keys].map((k) => prop(r, k))]) {
        const s = str(value);
        if (s !== undefined) {
            out.add(s);
        }
    }
    return out;
}

function matches(value: unknown, candidates: ReadonlySet<string>): boolean {
    const s = str(value);
    return s !== undefined && candidates.has(s);
}

function normalizeHost(host: string): string {
    return host.toLowerCase().replace(/\.$/, "");
}

interface Statement {
    readonly effect: string;
    readonly actions: string[];
    readonly resources: string[];
}

function policyStatements(document: unknown): Statement[] {
    let doc: unknown = document;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            return [];
        }
    }
    if (!isBag(doc)) {
        return [];
    }
    return bags(doc.Statement).map((s) => ({ effect: scalar(s.Effect), actions: strings(s.Action), resources: strings(s.Resource) }));
}

/** IAM wildcard match (`*` and `?`), case-sensitive as IAM resource ARNs are. */
function wildcardMatch(pattern: string, value: string): boolean {
    if (!pattern.includes("*") && !pattern.includes("?")) {
        return pattern === value;
    }
    const regex = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    );
    return regex.test(value);
}

function actionMatches(granted: string, wanted: string): boolean {
    return wildcardMatch(granted.toLowerCase(), wanted.toLowerCase());
}

// ------------------------------------------------------------------------------------------------
// Graph model
// ------------------------------------------------------------------------------------------------

type Kind = "cdn" | "bucket" | "api" | "vpclink" | "alb" | "service" | "bus" | "topic" | "queue" | "db" | "table" | "cache" | "dns";

/** Left-to-right order of kinds: the request path first, stores last. */
const KIND_RANK: Readonly<Record<Kind, number>> = {
    cdn: 0,
    bucket: 1,
    api: 2,
    vpclink: 3,
    alb: 4,
    service: 5,
    bus: 6,
    topic: 7,
    queue: 8,
    db: 9,
    table: 10,
    cache: 11,
    dns: 12,
};

/** Kinds drawn only when an edge reaches them. */
const NEEDS_EDGE: ReadonlySet<Kind> = new Set<Kind>(["bucket", "vpclink", "topic", "queue"]);

interface Node {
    readonly id: string;
    readonly kind: Kind;
    readonly resource: RecordedResource;
    label: string[];
}

interface Edge {
    readonly from: string;
    readonly to: string;
    readonly labels: string[];
    readonly dashed: boolean;
}

const CLIENTS_ID = "clients";
const RESERVED_IDS = new Set(["end", "graph", "flowchart", "subgraph", "style", "class", "classDef", "click", "linkStyle", "default", CLIENTS_ID]);

function sanitizeId(name: string): string {
    const id = name.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_");
    return RESERVED_IDS.has(id) || /^[0-9]/.test(id) ? `r_${id}` : id;
}

class Graph {
    readonly nodes = new Map<string, Node>();
    private readonly nodeByUrn = new Map<string, Node>();
    private readonly edges = new Map<string, Edge>();
    private readonly usedIds = new Set<string>();

    add(kind: Kind, resource: RecordedResource, label: string[]): Node {
        const existing = this.nodeByUrn.get(resource.urn);
        if (existing) {
            return existing;
        }
        let id = sanitizeId(resource.name);
        for (let i = 2; this.usedIds.has(id); i++) {
            id = `${sanitizeId(resource.name)}_${i}`;
        }
        this.usedIds.add(id);
        const node: Node = { id, kind, resource, label };
        this.nodes.set(id, node);
        this.nodeByUrn.set(resource.urn, node);
        return node;
    }

    node(r: RecordedResource | undefined): Node | undefined {
        return r === undefined ? undefined : this.nodeByUrn.get(r.urn);
    }

    ofKind(kind: Kind): Node[] {
        return [...this.nodes.values()].filter((n) => n.kind === kind);
    }

    hasEdgeBetween(a: string, b: string): boolean {
        return this.edges.has(`${a}>${b}`) || this.edges.has(`${b}>${a}`);
    }

    connect(from: Node | string | undefined, to: Node | string | undefined, label?: string, dashed = false): void {
        if (from === undefined || to === undefined) {
            return;
        }
        const a = typeof from === "string" ? from : from.id;
        const b = typeof to === "string" ? to : to.id;
        if (a === b) {
            return;
        }
        const key = `${a}>${b}`;
        const edge = this.edges.get(key) ?? { from: a, to: b, labels: [], dashed };
        if (label !== undefined && label !== "" && !edge.labels.includes(label)) {
            edge.labels.push(label);
        }
        this.edges.set(key, edge);
    }

    allEdges(): Edge[] {
        return [...this.edges.values()];
    }
}

// ------------------------------------------------------------------------------------------------
// Labels
// ------------------------------------------------------------------------------------------------

/** The logical name without its top-level component's prefix: `events-order-placed` -> `order-placed`. */
function shortName(index: ResourceIndex, r: RecordedResource): string {
    const component = index.topLevelComponent(r);
    const prefix = component !== undefined ? `${component.name}-` : "";
    return prefix !== "" && r.name.startsWith(prefix) && r.name.length > prefix.length ? r.name.slice(prefix.length) : r.name;
}

/**
 * `what` followed by the resource's short name, unless the name only repeats its type
 * (`events-bus`, an EventBus: "EventBridge bus", not "EventBridge bus bus").
 */
function labelWithName(what: string, index: ResourceIndex, r: RecordedResource): string {
    const name = shortName(index, r);
    const generic = typeName(r.type).toLowerCase().includes(name.toLowerCase()) || what.toLowerCase().includes(name.toLowerCase());
    return generic ? what : `${what} ${name}`;
}

const ENGINE_NAMES: Readonly<Record<string, string>> = {
    "aurora-postgresql": "Aurora PostgreSQL",
    "aurora-mysql": "Aurora MySQL",
    postgres: "PostgreSQL",
    mysql: "MySQL",
    valkey: "Valkey",
    redis: "Redis OSS",
};

function engineName(engine: unknown): string {
    const e = str(engine) ?? "";
    return ENGINE_NAMES[e] ?? e;
}

function joinShort(values: readonly string[], max = 2): string {
    return values.length <= max ? values.join(", ") : `${values.slice(0, max).join(", ")}, +${values.length - max}`;
}

// ------------------------------------------------------------------------------------------------
// Derivation
// ------------------------------------------------------------------------------------------------

/** Derives the architecture graph from the records. */
function buildGraph(resources: readonly RecordedResource[]): { graph: Graph; index: ResourceIndex } {
    const index = new ResourceIndex(resources);
    const graph = new Graph();
    const of = (...types: (string | readonly string[])[]) => index.ofType(...types.flat());

    // --- Lookups by reference ---
    const findBy = (candidates: readonly RecordedResource[], value: unknown, ...keys: string[]) => candidates.find((c) => matches(value, refs(c, ...keys)));

    const apis = of(T.restApi, T.httpApi);
    const albs = of(T.loadBalancer);
    const listeners = of(T.listener);
    const targetGroupsToServices = new Map<string, RecordedResource[]>();
    for (const svc of of(T.ecsService)) {
        for (const lb of bags(svc.inputs.loadBalancers)) {
            const tg = str(lb.targetGroupArn);
            if (tg !== undefined) {
                targetGroupsToServices.set(tg, [...(targetGroupsToServices.get(tg) ?? []), svc]);
            }
        }
    }

    // Task-role statements of each ECS service.
    const roles = of(T.role);
    const rolePolicies = of(T.rolePolicy);
    const attachments = of(T.rolePolicyAttachment);
    const managedPolicies = of(T.policy);
    const roleStatements = (role: RecordedResource): Statement[] => {
        const roleRefs = refs(role);
        return [
            ...bags(role.inputs.inlinePolicies).flatMap((p) => policyStatements(p.policy)),
            ...rolePolicies.filter((p) => matches(p.inputs.role, roleRefs)).flatMap((p) => policyStatements(p.inputs.policy)),
            ...attachments
                .filter((a) => matches(a.inputs.role, roleRefs))
                .flatMap((a) => {
                    const managed = findBy(managedPolicies, a.inputs.policyArn);
                    return managed ? policyStatements(managed.inputs.policy) : [];
                }),
        ].filter((s) => s.effect === "Allow");
    };
    const taskDefinitions = of(T.taskDefinition);
    const serviceStatements = new Map<string, Statement[]>();
    const serviceContainer = new Map<string, string>();
    for (const svc of of(T.ecsService)) {
        const taskDef = findBy(taskDefinitions, svc.inputs.taskDefinition, "arnWithoutRevision", "family");
        const role = taskDef !== undefined ? findBy(roles, taskDef.inputs.taskRoleArn) : undefined;
        serviceStatements.set(svc.urn, role !== undefined ? roleStatements(role) : []);
        const fromLb = bags(svc.inputs.loadBalancers)
            .map((lb) => str(lb.containerName))
            .find((n) => n !== undefined);
        let fromTask: string | undefined;
        if (taskDef !== undefined && typeof taskDef.inputs.containerDefinitions === "string") {
            try {
                const defs: unknown = JSON.parse(taskDef.inputs.containerDefinitions);
                fromTask = bags(defs)
                    .map((d) => str(d.name))
                    .find((n) => n !== undefined);
            } catch {
                fromTask = undefined;
            }
        }
        const container = fromLb ?? fromTask;
        if (container !== undefined) {
            serviceContainer.set(svc.urn, container);
        }
    }
    const grants = (svc: RecordedResource, action: string, arn: string): boolean =>
        (serviceStatements.get(svc.urn) ?? []).some((s) => s.actions.some((a) => actionMatches(a, action)) && s.resources.some((res) => wildcardMatch(res, arn)));

    // Scaling: ECS service -> [min, max] and the queues its policies track.
    const scalingTargets = of(T.scalingTarget);
    const scalingPolicies = of(T.scalingPolicy);
    const serviceResourceId = (svc: RecordedResource): string | undefined => {
        const name = str(prop(svc, "name"));
        return name === undefined
            ? undefined
            : scalingTargets.map((t) => str(t.inputs.resourceId)).find((id) => id !== undefined && id.startsWith("service/") && id.endsWith(`/${name}`));
    };

    // --- Nodes ---
    const distributions = of(T.distribution);
    for (const d of distributions) {
        const aliases = strings(d.inputs.aliases);
        graph.add("cdn", d, ["CloudFront", ...(aliases.length > 0 ? [joinShort(aliases)] : []), ...(str(d.inputs.webAclId) ? ["WAF"] : [])]);
    }

    const domains = of(T.domainName);
    const mappings = of(T.basePathMapping);
    const apiDomains = (api: RecordedResource) => {
        const apiRefs = refs(api);
        return domains.filter((dn) => {
            const dnRefs = refs(dn, "domainName");
            return mappings.some((m) => matches(m.inputs.restApi ?? m.inputs.apiId, apiRefs) && matches(m.inputs.domainName, dnRefs));
        });
    };
    const hasMtls = (api: RecordedResource) =>
        apiDomains(api).some((dn) => isBag(dn.inputs.mutualTlsAuthentication) && str(dn.inputs.mutualTlsAuthentication.truststoreUri) !== undefined);
    for (const api of apis) {
        const apiRefs = refs(api);
        const features: string[] = [];
        if (of(T.authorizer).some((a) => matches(a.inputs.restApi, apiRefs) && a.inputs.type === "COGNITO_USER_POOLS")) {
            features.push("Cognito");
        }
        if (of(T.webAclAssociation).some((w) => [...apiRefs].some((ref) => (str(w.inputs.resourceArn) ?? "").includes(`/restapis/${ref}/`)))) {
            features.push("WAF");
        }
        if (hasMtls(api)) {
            features.push("mTLS");
        }
        if (of(T.usagePlan).some((p) => bags(p.inputs.apiStages).some((s) => matches(s.apiId, apiRefs)))) {
            features.push("usage plans");
        }
        const domainNames = apiDomains(api).map((dn) => str(dn.inputs.domainName) ?? dn.name);
        graph.add("api", api, [
            api.type === T.restApi ? "REST API" : "HTTP API",
            ...(domainNames.length > 0 ? [joinShort(domainNames)] : []),
            ...(features.length > 0 ? [features.join(", ")] : []),
        ]);
    }

    for (const link of of(T.vpcLink)) {
        graph.add("vpclink", link, ["VPC link"]);
    }

    for (const alb of albs) {
        const albRefs = refs(alb);
        const served = listeners
            .filter((l) => matches(l.inputs.loadBalancerArn, albRefs))
            .filter((l) => !bags(l.inputs.defaultActions).every((a) => a.type === "redirect"))
            .map((l) => `${str(l.inputs.protocol) ?? ""} ${scalar(l.inputs.port)}`.trim())
            .sort();
        const kind = str(alb.inputs.loadBalancerType) === "network" ? "NLB" : "ALB";
        graph.add("alb", alb, [`${alb.inputs.internal === true ? "internal " : ""}${kind}`, ...(served.length > 0 ? [served.join(", ")] : [])]);
    }

    for (const svc of of(T.ecsService)) {
        const resourceId = serviceResourceId(svc);
        const target = resourceId !== undefined ? scalingTargets.find((t) => t.inputs.resourceId === resourceId) : undefined;
        const launch = str(svc.inputs.launchType) === "FARGATE" ? "Fargate" : "ECS";
        const tasks = target !== undefined ? `${scalar(target.inputs.minCapacity)}-${scalar(target.inputs.maxCapacity)} tasks` : `${scalar(svc.inputs.desiredCount ?? 1)} tasks`;
        graph.add("service", svc, [serviceContainer.get(svc.urn) ?? shortName(index, svc), `${launch}, ${tasks}`]);
    }

    const archives = of(T.archive);
    for (const bus of of(T.bus)) {
        const busRefs = refs(bus);
        const archived = archives.some((a) => matches(a.inputs.eventSourceArn, busRefs));
        graph.add("bus", bus, [labelWithName("EventBridge bus", index, bus), ...(archived ? ["archive for replay"] : [])]);
    }
    for (const topic of of(T.topic)) {
        graph.add("topic", topic, [labelWithName("SNS topic", index, topic)]);
    }
    const queues = of(T.queue);
    for (const queue of queues) {
        const redrive = prop(queue, "redrivePolicy");
        let dlq = false;
        if (typeof redrive === "string") {
            try {
                const parsed: unknown = JSON.parse(redrive);
                dlq = isBag(parsed) && str(parsed.deadLetterTargetArn) !== undefined;
            } catch {
                dlq = false;
            }
        }
        graph.add("queue", queue, [`${labelWithName("SQS", index, queue)}${dlq ? " + DLQ" : ""}`]);
    }

    const clusterInstances = of(T.rdsClusterInstance);
    for (const cluster of of(T.rdsCluster)) {
        const clusterRefs = refs(cluster, "clusterIdentifier");
        const instances = clusterInstances.filter((i) => matches(i.inputs.clusterIdentifier, clusterRefs));
        const serverless = instances.some((i) => i.inputs.instanceClass === "db.serverless");
        const version = str(cluster.inputs.engineVersion);
        graph.add("db", cluster, [
            `${engineName(cluster.inputs.engine)}${version ? ` ${version}` : ""}`,
            `${instances.length} instance${instances.length === 1 ? "" : "s"}${serverless ? ", Serverless v2" : ""}${instances.length > 1 ? ", Multi-AZ" : ""}`,
        ]);
    }
    for (const db of of(T.rdsInstance)) {
        graph.add("db", db, [`${engineName(db.inputs.engine)} ${str(db.inputs.engineVersion) ?? ""}`.trim(), db.inputs.multiAz === true ? "Multi-AZ" : "single-AZ"]);
    }
    for (const table of of(T.table)) {
        graph.add("table", table, [labelWithName("DynamoDB", index, table)]);
    }
    for (const group of of(T.replicationGroup)) {
        const nodes = Number(group.inputs.numCacheClusters ?? 1);
        graph.add("cache", group, [
            `${engineName(group.inputs.engine)} ${str(group.inputs.engineVersion) ?? ""}`.trim(),
            `${nodes} node${nodes === 1 ? "" : "s"}${group.inputs.multiAzEnabled === true ? ", Multi-AZ" : ""}`,
        ]);
    }
    const privateZones = of(T.zone).filter((z) => bags(z.inputs.vpcs).length > 0);
    for (const zone of privateZones) {
        graph.add("dns", zone, ["private DNS", str(zone.inputs.name) ?? zone.name]);
    }

    // --- Edges: entry points ---
    const frontedBy = new Map<string, Bag[]>(); // API urn -> CDN origins pointing at it
    for (const d of distributions) {
        const cdn = graph.node(d);
        graph.connect(CLIENTS_ID, cdn, "HTTPS");
        const behaviours = [
            ...(isBag(d.inputs.defaultCacheBehavior) ? [{ ...d.inputs.defaultCacheBehavior, pathPattern: "default" }] : []),
            ...bags(d.inputs.orderedCacheBehaviors),
        ];
        for (const origin of bags(d.inputs.origins)) {
            const host = normalizeHost(str(origin.domainName) ?? "");
            const paths = behaviours.filter((b) => b.targetOriginId === origin.originId).map((b) => String(b.pathPattern));
            const label = paths.length > 0 ? joinShort(paths) : undefined;
            const bucket = of(T.bucket).find((b) => ["bucketRegionalDomainName", "bucketDomainName"].some((k) => normalizeHost(str(prop(b, k)) ?? "") === host));
            if (bucket !== undefined) {
                const node = graph.add("bucket", bucket, [`${labelWithName("S3", index, bucket)}${str(origin.originAccessControlId) ? " (OAC)" : ""}`]);
                graph.connect(cdn, node, label);
                continue;
            }
            const domain = domains.find((dn) => [prop(dn, "regionalDomainName"), dn.inputs.domainName].some((v) => normalizeHost(str(v) ?? "") === host));
            const api =
                domain !== undefined
                    ? apis.find((a) => apiDomains(a).includes(domain))
                    : apis.find((a) => [...refs(a)].some((ref) => host.startsWith(`${ref.toLowerCase()}.execute-api.`)));
            if (api !== undefined) {
                graph.connect(cdn, graph.node(api), label);
                frontedBy.set(api.urn, [...(frontedBy.get(api.urn) ?? []), origin]);
            }
        }
    }
    for (const api of apis) {
        const origins = frontedBy.get(api.urn) ?? [];
        // The API admits only requests that came through the CDN when every origin pointing at it
        // adds a custom header (the origin-verify secret) and a web ACL on the API blocks requests
        // without it. The header alone only identifies CloudFront (e.g. to exempt it from a rate rule).
        const apiRefs = refs(api);
        const aclArns = of(T.webAclAssociation)
            .filter((w) => [...apiRefs].some((ref) => (str(w.inputs.resourceArn) ?? "").includes(`/restapis/${ref}/`)))
            .map((w) => str(w.inputs.webAclArn));
        const blockedWithout = new Set(
            of(T.webAcl)
                .filter((acl) => aclArns.some((arn) => arn !== undefined && refs(acl).has(arn)))
                .flatMap((acl) => bags(acl.inputs.rules))
                .filter((rule) => isBag(rule.action) && isBag(rule.action.block) && isBag(rule.statement) && isBag(rule.statement.notStatement))
                .flatMap((rule) => {
                    const inner = isBag(rule.statement) && isBag(rule.statement.notStatement) ? rule.statement.notStatement.statement : undefined;
                    const match = isBag(inner) ? inner.byteMatchStatement : undefined;
                    const field = isBag(match) ? match.fieldToMatch : undefined;
                    const header = isBag(field) && isBag(field.singleHeader) ? str(field.singleHeader.name) : undefined;
                    return header !== undefined ? [header.toLowerCase()] : [];
                }),
        );
        const cdnOnly = origins.length > 0 && origins.every((o) => bags(o.customHeaders).some((h) => blockedWithout.has((str(h.name) ?? "").toLowerCase())));
        if (!cdnOnly) {
            graph.connect(CLIENTS_ID, graph.node(api), hasMtls(api) ? "mTLS" : "HTTPS");
        }
    }

    // --- Edges: API integrations ---
    const links = of(T.vpcLink);
    const buses = of(T.bus);
    const albByListener = (value: unknown) => {
        const listener = findBy(listeners, value);
        return listener !== undefined ? findBy(albs, listener.inputs.loadBalancerArn) : undefined;
    };
    const syncRoutes = new Map<string, { api: Node; link: Node; routes: number }>();
    for (const integration of of(T.restIntegration, T.httpIntegration)) {
        const apiNode = graph.node(findBy(apis, integration.inputs.restApi ?? integration.inputs.apiId));
        if (apiNode === undefined) {
            continue;
        }
        const uri = str(integration.inputs.uri) ?? str(integration.inputs.integrationUri) ?? "";
        if (integration.inputs.connectionType === "VPC_LINK") {
            const alb =
                findBy(albs, integration.inputs.integrationTarget) ??
                albByListener(uri) ??
                albs.find((a) => {
                    const dns = str(prop(a, "dnsName"));
                    return dns !== undefined && uri.includes(dns);
                });
            const linkNode = graph.node(findBy(links, integration.inputs.connectionId));
            if (linkNode === undefined) {
                graph.connect(apiNode, graph.node(alb), "sync");
                continue;
            }
            const key = `${apiNode.id}>${linkNode.id}`;
            const entry = syncRoutes.get(key) ?? { api: apiNode, link: linkNode, routes: 0 };
            entry.routes++;
            syncRoutes.set(key, entry);
            graph.connect(linkNode, graph.node(alb));
            continue;
        }
        const putEvents = integration.inputs.integrationSubtype === "EventBridge-PutEvents" || (/:events:/.test(uri) && /PutEvents/.test(uri));
        if (putEvents) {
            const text = JSON.stringify(integration.inputs);
            const named = buses.filter((b) => [...refs(b)].some((ref) => text.includes(ref)));
            const bus = named.length === 1 ? named[0] : buses.length === 1 ? buses[0] : undefined;
            graph.connect(apiNode, graph.node(bus), "async: PutEvents");
        }
    }
    for (const { api, link, routes } of syncRoutes.values()) {
        graph.connect(api, link, `sync: ${routes} route${routes === 1 ? "" : "s"}`);
    }

    // --- Edges: load balancer -> services ---
    const rules = of(T.listenerRule);
    const forwardTargets = (actions: unknown): string[] =>
        bags(actions).flatMap((a) => [...strings(a.targetGroupArn), ...(isBag(a.forward) ? bags(a.forward.targetGroups).flatMap((g) => strings(g.arn)) : [])]);
    for (const alb of albs) {
        const albRefs = refs(alb);
        for (const listener of listeners.filter((l) => matches(l.inputs.loadBalancerArn, albRefs))) {
            const listenerRefs = refs(listener);
            const routes: { targets: string[]; label: string }[] = [{ targets: forwardTargets(listener.inputs.defaultActions), label: "default" }];
            for (const rule of rules.filter((r) => matches(r.inputs.listenerArn, listenerRefs))) {
                const conditions = bags(rule.inputs.conditions);
                const paths = conditions.flatMap((c) => (isBag(c.pathPattern) ? strings(c.pathPattern.values) : []));
                const hosts = conditions.flatMap((c) => (isBag(c.hostHeader) ? strings(c.hostHeader.values) : []));
                routes.push({ targets: forwardTargets(rule.inputs.actions), label: joinShort(paths.length > 0 ? paths : hosts) });
            }
            for (const route of routes) {
                for (const tg of route.targets) {
                    for (const svc of targetGroupsToServices.get(tg) ?? []) {
                        graph.connect(graph.node(alb), graph.node(svc), route.label);
                    }
                }
            }
        }
    }

    // --- Edges: events ---
    const eventRules = of(T.rule);
    for (const target of of(T.target)) {
        const rule = eventRules.find(
            (r) => matches(target.inputs.rule, refs(r)) && (target.inputs.eventBusName === undefined || target.inputs.eventBusName === r.inputs.eventBusName),
        );
        const bus = rule !== undefined ? findBy(buses, rule.inputs.eventBusName) : undefined;
        const queue = findBy(queues, target.inputs.arn);
        let detailTypes: string[] = [];
        if (rule !== undefined && typeof rule.inputs.eventPattern === "string") {
            try {
                const pattern: unknown = JSON.parse(rule.inputs.eventPattern);
                detailTypes = isBag(pattern) ? strings(pattern["detail-type"]) : [];
            } catch {
                detailTypes = [];
            }
        }
        graph.connect(graph.node(bus), graph.node(queue), detailTypes.length > 0 ? joinShort(detailTypes) : rule !== undefined ? shortName(index, rule) : undefined);
    }
    const topics = of(T.topic);
    for (const sub of of(T.subscription)) {
        graph.connect(graph.node(findBy(topics, sub.inputs.topic)), graph.node(findBy(queues, sub.inputs.endpoint)), "fan-out");
    }

    // --- Edges: what each service's task role may do, and what its scaling tracks ---
    for (const svc of of(T.ecsService)) {
        const svcNode = graph.node(svc);
        for (const queue of queues) {
            const arn = str(prop(queue, "arn"));
            if (arn === undefined) {
                continue;
            }
            const resourceId = serviceResourceId(svc);
            const queueName = str(prop(queue, "name"));
            const scales =
                resourceId !== undefined &&
                queueName !== undefined &&
                scalingPolicies.some((p) => p.inputs.resourceId === resourceId && JSON.stringify(p.inputs).includes(`"value":"${queueName}"`));
            if (grants(svc, "sqs:ReceiveMessage", arn) || scales) {
                graph.connect(graph.node(queue), svcNode, scales ? "consume, scale on backlog" : "consume");
            }
            if (grants(svc, "sqs:SendMessage", arn)) {
                graph.connect(svcNode, graph.node(queue), "SendMessage");
            }
        }
        for (const bus of buses) {
            const arn = str(prop(bus, "arn"));
            if (arn !== undefined && grants(svc, "events:PutEvents", arn)) {
                graph.connect(svcNode, graph.node(bus), "PutEvents");
            }
        }
        for (const topic of topics) {
            const arn = str(prop(topic, "arn"));
            if (arn !== undefined && grants(svc, "sns:Publish", arn)) {
                graph.connect(svcNode, graph.node(topic), "Publish");
            }
        }
        for (const table of of(T.table)) {
            const arn = str(prop(table, "arn"));
            if (arn === undefined) {
                continue;
            }
            const writes = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"].some((a) => grants(svc, a, arn));
            const reads = ["dynamodb:GetItem", "dynamodb:Query"].some((a) => grants(svc, a, arn));
            if (reads || writes) {
                graph.connect(svcNode, graph.node(table), `IAM ${reads && writes ? "read/write" : reads ? "read" : "write"}`);
            }
        }
    }

    // --- Edges: security-group reachability (only where nothing above joined the two) ---
    const owners = new Map<string, Node[]>(); // security group id -> nodes using it
    const own = (r: RecordedResource, groups: unknown) => {
        const node = graph.node(r);
        for (const sg of strings(groups)) {
            if (node !== undefined) {
                owners.set(sg, [...(owners.get(sg) ?? []), node]);
            }
        }
    };
    for (const svc of of(T.ecsService)) {
        own(svc, isBag(svc.inputs.networkConfiguration) ? svc.inputs.networkConfiguration.securityGroups : undefined);
    }
    for (const alb of albs) {
        own(alb, alb.inputs.securityGroups);
    }
    for (const db of [...of(T.rdsCluster), ...of(T.rdsInstance)]) {
        own(db, db.inputs.vpcSecurityGroupIds);
    }
    for (const group of of(T.replicationGroup)) {
        own(group, group.inputs.securityGroupIds);
    }
    for (const link of links) {
        own(link, link.inputs.securityGroupIds);
    }
    const ingress: { target: string; source: string; port: unknown }[] = [
        ...of(T.sgIngressRule).map((r) => ({ target: str(r.inputs.securityGroupId) ?? "", source: str(r.inputs.referencedSecurityGroupId) ?? "", port: r.inputs.fromPort })),
        ...of(T.sgRule)
            .filter((r) => r.inputs.type === "ingress")
            .map((r) => ({ target: str(r.inputs.securityGroupId) ?? "", source: str(r.inputs.sourceSecurityGroupId) ?? "", port: r.inputs.fromPort })),
        ...of(T.securityGroup).flatMap((sg) =>
            bags(sg.inputs.ingress).flatMap((rule) => strings(rule.securityGroups).map((source) => ({ target: sg.id ?? "", source, port: rule.fromPort }))),
        ),
    ];
    for (const rule of ingress) {
        for (const from of owners.get(rule.source) ?? []) {
            for (const to of owners.get(rule.target) ?? []) {
                if (!graph.hasEdgeBetween(from.id, to.id)) {
                    graph.connect(from, to, rule.port !== undefined ? `tcp ${scalar(rule.port)}` : undefined);
                }
            }
        }
    }

    // --- Edges: private DNS names ---
    const records = of(T.record);
    const endpointOwners: { host: string; node: Node | undefined }[] = [
        ...of(T.rdsCluster).flatMap((c) => ["endpoint", "readerEndpoint"].map((k) => ({ host: str(prop(c, k)) ?? "", node: graph.node(c) }))),
        ...of(T.rdsInstance).map((i) => ({ host: str(prop(i, "address")) ?? str(prop(i, "endpoint")) ?? "", node: graph.node(i) })),
        ...of(T.replicationGroup).flatMap((g) =>
            ["primaryEndpointAddress", "readerEndpointAddress", "configurationEndpointAddress"].map((k) => ({ host: str(prop(g, k)) ?? "", node: graph.node(g) })),
        ),
        ...albs.map((a) => ({ host: str(prop(a, "dnsName")) ?? "", node: graph.node(a) })),
    ].filter((e) => e.host !== "");
    for (const zone of privateZones) {
        const zoneRefs = refs(zone, "zoneId");
        const ttls = new Map<string, { seconds: Set<number>; alias: boolean }>();
        for (const record of records.filter((r) => matches(r.inputs.zoneId, zoneRefs))) {
            const targets = [...strings(record.inputs.records), ...bags(record.inputs.aliases).flatMap((a) => strings(a.name))].map(normalizeHost);
            for (const owner of endpointOwners.filter((e) => targets.includes(normalizeHost(e.host)))) {
                if (owner.node === undefined) {
                    continue;
                }
                const entry = ttls.get(owner.node.id) ?? { seconds: new Set<number>(), alias: false };
                if (typeof record.inputs.ttl === "number") {
                    entry.seconds.add(record.inputs.ttl);
                } else {
                    entry.alias = true;
                }
                ttls.set(owner.node.id, entry);
            }
        }
        for (const [target, { seconds, alias }] of ttls) {
            const parts = [...(seconds.size > 0 ? [`TTL ${[...seconds].sort((a, b) => a - b).join(" / ")} s`] : []), ...(alias ? ["alias"] : [])];
            graph.connect(graph.node(zone), target, parts.join(", "), true);
        }
    }

    return { graph, index };
}

// ------------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------------

function escapeLabel(text: string): string {
    return text.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

function shape(node: Node): string {
    const text = `"${node.label.map(escapeLabel).join("<br/>")}"`;
    switch (node.kind) {
        case "bucket":
        case "db":
        case "table":
        case "cache":
        case "queue":
            return `${node.id}[(${text})]`;
        case "dns":
            return `${node.id}{{${text}}}`;
        case "bus":
        case "topic":
            return `${node.id}>${text}]`;
        default:
            return `${node.id}[${text}]`;
    }
}

/** Renders the architecture of `resources` as a Mermaid flowchart (no fence), ending with a newline. */
export function renderDiagram(resources: readonly RecordedResource[]): string {
    const { graph, index } = buildGraph(resources);
    const edges = graph.allEdges();
    const connected = new Set(edges.flatMap((e) => [e.from, e.to]));
    const nodes = [...graph.nodes.values()]
        .filter((n) => !NEEDS_EDGE.has(n.kind) || connected.has(n.id))
        .sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.id.localeCompare(b.id));
    const drawn = new Set(nodes.map((n) => n.id));

    // Group by top-level component, in the order of each group's first node.
    const groups = new Map<string, { component: RecordedResource | undefined; nodes: Node[] }>();
    for (const node of nodes) {
        const component = index.topLevelComponent(node.resource);
        const key = component?.urn ?? "";
        const group = groups.get(key) ?? { component, nodes: [] };
        group.nodes.push(node);
        groups.set(key, group);
    }

    const lines = ["flowchart LR", `  ${CLIENTS_ID}(["clients"])`];
    for (const { component, nodes: members } of groups.values()) {
        if (component === undefined) {
            lines.push(...members.map((n) => `  ${shape(n)}`));
            continue;
        }
        lines.push(`  subgraph c_${sanitizeId(component.name)}["${escapeLabel(`${component.name}: ${typeName(component.type)}`)}"]`);
        lines.push(...members.map((n) => `    ${shape(n)}`));
        lines.push("  end");
    }
    const order = new Map(nodes.map((n, i) => [n.id, i]));
    const rank = (id: string) => (id === CLIENTS_ID ? -1 : (order.get(id) ?? Number.MAX_SAFE_INTEGER));
    const visible = edges.filter((e) => (e.from === CLIENTS_ID || drawn.has(e.from)) && drawn.has(e.to)).sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to));
    for (const e of visible) {
        const arrow = e.dashed ? "-.->" : "-->";
        const label = e.labels.length > 0 ? `|"${escapeLabel(e.labels.join(", "))}"|` : "";
        lines.push(`  ${e.from} ${arrow}${label} ${e.to}`);
    }
    return `${lines.join("\n")}\n`;
}

// ------------------------------------------------------------------------------------------------
// Files: bare diagram, or the block between markers in a Markdown file
// ------------------------------------------------------------------------------------------------

const BEGIN = /<!--\s*plan-diagram:begin\b[^>]*-->/;
const END = /<!--\s*plan-diagram:end\s*-->/;

/** Where the generated block sits in `markdown`: after the begin marker, up to the end marker. */
function markerSpan(markdown: string): { start: number; end: number } | undefined {
    const begin = BEGIN.exec(markdown);
    if (!begin) {
        return undefined;
    }
    const start = begin.index + begin[0].length;
    const end = END.exec(markdown.slice(start));
    return end ? { start, end: start + end.index } : undefined;
}

export function hasDiagramMarkers(markdown: string): boolean {
    return markerSpan(markdown) !== undefined;
}

/** The diagram (without fence) between the markers, or undefined when there is none. */
export function extractDiagram(markdown: string): string | undefined {
    const span = markerSpan(markdown);
    if (!span) {
        return undefined;
    }
    const fenced = /```mermaid\n([\s\S]*?)```/.exec(markdown.slice(span.start, span.end));
    return fenced?.[1];
}

/** `markdown` with the content between the markers replaced by a mermaid block of `diagram`. */
export function embedDiagram(markdown: string, diagram: string): string {
    const span = markerSpan(markdown);
    if (!span) {
        throw new Error("no <!-- plan-diagram:begin --> ... <!-- plan-diagram:end --> markers");
    }
    return `${markdown.slice(0, span.start)}\n\`\`\`mermaid\n${diagram}\`\`\`\n${markdown.slice(span.end)}`;
}

/** Writes `diagram` to `file`: into the marked block of a Markdown file that has one, else bare. */
export function writeDiagram(file: string, diagram: string): void {
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (existing !== undefined && hasDiagramMarkers(existing)) {
        fs.writeFileSync(file, embedDiagram(existing, diagram));
    } else {
        fs.writeFileSync(file, diagram);
    }
}

/** A recorded scalar as text ("" when absent; JSON for anything structured, never "[object Object]"). */
function scalar(value: unknown): string {
    if (value === undefined || value === null) {
        return "";
    }
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}
