/**
 * Lookups over the resources one program run recorded, shared by the tree, the report, the JSON
 * document and the diagram. Everything here is derived from the records: nothing knows which
 * components the program creates.
 */
import { RecordedResource } from "../engine/mocks";

export const STACK_TYPE = "pulumi:pulumi:Stack";

/** A component resource (not the stack itself). */
export function isComponent(r: RecordedResource): boolean {
    return !r.custom && r.type !== STACK_TYPE;
}

/**
 * A multi-language (remote) component such as awsx's Vpc: its provider creates its children, so
 * the mock engine records the component with provider state but never sees the children.
 */
export function isRemoteComponent(r: RecordedResource): boolean {
    return isComponent(r) && r.id !== undefined;
}

/** The last part of a type token: `aws:kms/key:Key` -> `Key`, `platform:app:InternalAlbService` -> `InternalAlbService`. */
export function typeName(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

export class ResourceIndex {
    readonly byUrn = new Map<string, RecordedResource>();
    private readonly childrenByUrn = new Map<string, RecordedResource[]>();
    private readonly byType = new Map<string, RecordedResource[]>();
    /** Resources whose parent is unknown or absent: the stack, plus any orphan. */
    readonly roots: RecordedResource[] = [];

    constructor(readonly all: readonly RecordedResource[]) {
        for (const r of all) {
            this.byUrn.set(r.urn, r);
            const list = this.byType.get(r.type) ?? [];
            list.push(r);
            this.byType.set(r.type, list);
        }
        for (const r of all) {
            if (r.parent !== undefined && this.byUrn.has(r.parent)) {
                const list = this.childrenByUrn.get(r.parent) ?? [];
                list.push(r);
                this.childrenByUrn.set(r.parent, list);
            } else {
                this.roots.push(r);
            }
        }
    }

    ofType(...types: string[]): RecordedResource[] {
        return types.flatMap((t) => this.byType.get(t) ?? []);
    }

    children(r: RecordedResource): readonly RecordedResource[] {
        return this.childrenByUrn.get(r.urn) ?? [];
    }

    /** Number of resources below `r`, at any depth. */
    descendantCount(r: RecordedResource): number {
        return this.children(r).reduce((n, c) => n + 1 + this.descendantCount(c), 0);
    }

    /**
     * The top-level component `r` belongs to: its ancestor (or itself) whose parent is the stack.
     * Undefined for the stack and for resources created directly under the stack.
     */
    topLevelComponent(r: RecordedResource): RecordedResource | undefined {
        let current: RecordedResource | undefined = r;
        while (current !== undefined) {
            const parent: RecordedResource | undefined = current.parent !== undefined ? this.byUrn.get(current.parent) : undefined;
            if (parent === undefined) {
                return undefined;
            }
            if (parent.type === STACK_TYPE) {
                return isComponent(current) ? current : undefined;
            }
            current = parent;
        }
        return undefined;
    }

    /** Display name of the resource a URN designates: `name (type)`, or the URN itself if unknown. */
    describeUrn(urn: string): string {
        if (urn === "") {
            return "(stack)";
        }
        const r = this.byUrn.get(urn);
        return r ? `${r.name} (${r.type})` : urn;
    }
}

/** Registered resources the summary counts: everything except the stack resource itself. */
export function countedResources(resources: readonly RecordedResource[]): { resources: number; components: number } {
    const counted = resources.filter((r) => r.type !== STACK_TYPE);
    return { resources: counted.length, components: counted.filter(isComponent).length };
}
