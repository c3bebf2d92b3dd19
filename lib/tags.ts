/**
 * Default tags through one mechanism: a stack resource transform registered once by the program.
 * It runs in the engine for every resource, including the children that awsx creates inside its
 * remote components (a provider `defaultTags` would miss nothing either, but cannot say which
 * platform component a resource belongs to, and a per-resource `tags:` argument is tagging by hand).
 * Explicit tags on a resource win over the defaults.
 */
import * as pulumi from "@pulumi/pulumi";
import { TAGGABLE_AWS_TYPES } from "./taggable-types";

/** Non-AWS-provider types whose inputs accept AWS tags. */
const TAGGABLE_OTHER_TYPES: ReadonlySet<string> = new Set(["awsx:ec2:Vpc"]);

export function isTaggable(type: string): boolean {
    return TAGGABLE_AWS_TYPES.has(type) || TAGGABLE_OTHER_TYPES.has(type);
}

export interface DefaultTags {
    readonly environment: string;
    readonly project: string;
}

/**
 * The platform component a resource belongs to: the innermost `platform:*` type in its parent's
 * URN type chain (`...::platform:services:InternalAlbService$aws:lb/...::name` -> InternalAlbService).
 */
export function componentOf(parentUrn: string | undefined): string | undefined {
    if (!parentUrn) {
        return undefined;
    }
    const qualifiedType = parentUrn.split("::")[2] ?? "";
    const platformTypes = qualifiedType.split("$").filter((t) => t.startsWith("platform:"));
    const innermost = platformTypes[platformTypes.length - 1];
    return innermost?.split(":")[2];
}

/** Tags for one resource: environment, project, component and who manages it. */
export function tagsFor(defaults: DefaultTags, component: string | undefined): Record<string, string> {
    return {
        environment: defaults.environment,
        project: defaults.project,
        component: component ?? "platform",
        "managed-by": "pulumi",
    };
}

/** The stack transform that adds default tags to every taggable resource. */
export function defaultTagsTransform(defaults: DefaultTags): pulumi.ResourceTransform {
    return async (args) => {
        if (!isTaggable(args.type)) {
            return undefined;
        }
        const parentUrn = args.opts.parent ? await urnOf(args.opts.parent) : undefined;
        const defaultsHere = tagsFor(defaults, componentOf(parentUrn));
        // `props` is untyped (`Inputs`); tags of a taggable AWS resource are a string map.
        const existing = (args.props.tags as pulumi.Input<Record<string, pulumi.Input<string>>> | undefined) ?? {};
        return {
            props: { ...args.props, tags: pulumi.output(existing).apply((tags) => ({ ...defaultsHere, ...tags })) },
            opts: args.opts,
        };
    };
}

function urnOf(resource: pulumi.Resource): Promise<string> {
    return new Promise((resolve) => resource.urn.apply(resolve));
}

/** Registers the default-tags transform for the rest of the program. Call once, before any resource. */
export function registerDefaultTags(defaults: DefaultTags): void {
    pulumi.runtime.registerResourceTransform(defaultTagsTransform(defaults));
}
