"use client";
/**
 * React Flow measures a node's handles when the node mounts or resizes. When handles change
 * without a resize (a plan input renamed, an action swapped), it must be told, or connections
 * from the new handles cannot start. Skips the first render: mounting measures anyway.
 */
import { useUpdateNodeInternals } from "@xyflow/react";
import { useEffect, useRef } from "react";

export function useHandleSync(nodeId: string, handles: string): void {
  const update = useUpdateNodeInternals();
  const last = useRef(handles);
  useEffect(() => {
    if (last.current === handles) return;
    last.current = handles;
    update(nodeId);
  }, [nodeId, handles, update]);
}
