/** A complete, valid raw config (as the engine delivers it) to mutate one key at a time in tests. */
import { RawConfig, ResolveContext } from "../../config";

export const VALID_SERVICE = {
    name: "orders",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2",
    port: 8080,
    cpu: 256,
    memory: 512,
    priority: 10,
    hostPatterns: ["orders.internal.example.com"],
    pathPatterns: ["/orders", "/orders/*"],
    usesDatabase: true,
    // The prod profile creates the notifications topic, which needs a publisher.
    publishesNotifications: true,
    api: { basePath: "orders", scopes: ["orders.read"] },
};

/** Fed by the API's async route (source platform.api), which the baseline leaves enabled. */
export const VALID_SUBSCRIPTION = { name: "order-placed", consumer: "orders", sources: ["platform.api"], detailTypes: ["OrderPlaced"] };

export function validRaw(overrides: Record<string, unknown> = {}): RawConfig {
    const base: Record<string, unknown> = {
        environment: "prod",
        publicZoneName: "example.com",
        apiDomainName: "api.example.com",
        cdnAliases: ["www.example.com"],
        services: [VALID_SERVICE],
        eventSubscriptions: [VALID_SUBSCRIPTION],
        ...overrides,
    };
    const raw: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(base)) {
        raw[key] = value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
    }
    return raw;
}

export const CONTEXT: ResolveContext = {
    project: "platform",
    region: "eu-west-1",
    readFile: (file) => (file === "certs/truststore.pem" ? "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" : undefined),
};
