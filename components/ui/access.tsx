"use client";
/**
 * What the signed-in person (or, with accounts off, the local user) may do, for the UI to offer
 * only that. The server checks every request anyway (lib/server/route): this only hides buttons.
 */
import { createContext, useContext, type ReactNode } from "react";
import type { Permission } from "@/lib/contract/access";
import type { Me } from "@/lib/contract/accounts";

const AccessContext = createContext<Me | undefined>(undefined);

export function AccessProvider({ me, children }: { me: Me | undefined; children: ReactNode }) {
  return <AccessContext.Provider value={me}>{children}</AccessContext.Provider>;
}

export function useMe(): Me | undefined {
  return useContext(AccessContext);
}

/** Whether the UI should offer what needs `permission`. Outside a provider (component tests): yes. */
export function useCan(permission: Permission): boolean {
  const me = useContext(AccessContext);
  return me ? me.permissions.includes(permission) : true;
}
