"use client";
/**
 * Keyboard shortcuts, outside text fields: Delete, undo (Ctrl/Cmd+Z), redo (Ctrl/Cmd+Shift+Z
 * or Ctrl+Y), select all, copy, paste, duplicate (Ctrl/Cmd+D), save (Ctrl/Cmd+S), Escape.
 * Copied steps also go to the system clipboard as JSON, so they paste into another plan.
 */
import { useEffect } from "react";
import { z } from "zod";
import { Step } from "@/lib/core/plan";
import type { EditorStore } from "./editor-store";

const Clip = z.object({ trellis: z.literal("steps"), steps: z.array(Step).min(1) });

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useShortcuts(store: EditorStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      const a = s.actions;
      const mod = e.metaKey || e.ctrlKey;
      const key = e.key.toLowerCase();
      if (mod && key === "s") {
        e.preventDefault();
        a.openDialog("save");
        return;
      }
      if (s.dialog || isEditable(e.target)) return;
      if (mod && key === "z") {
        e.preventDefault();
        if (e.shiftKey) a.redo();
        else a.undo();
      } else if (mod && key === "y") {
        e.preventDefault();
        a.redo();
      } else if (mod && key === "a") {
        e.preventDefault();
        a.selectAll();
      } else if (mod && key === "c") {
        a.copySelection();
      } else if (mod && key === "v") {
        if (s.clipboard.length) {
          e.preventDefault();
          a.paste();
        }
      } else if (mod && key === "d") {
        e.preventDefault();
        const copied = s.plan.steps.filter((x) => s.selectedSteps.includes(x.id));
        if (copied.length) a.paste(copied);
      } else if (key === "delete" || key === "backspace") {
        e.preventDefault();
        a.deleteSelection();
      } else if (key === "escape") {
        a.select([], []);
      }
    };
    const onCopy = (e: ClipboardEvent) => {
      if (isEditable(e.target) || store.getState().dialog) return;
      const { plan, selectedSteps } = store.getState();
      const steps = plan.steps.filter((x) => selectedSteps.includes(x.id));
      if (!steps.length || !e.clipboardData) return;
      e.clipboardData.setData("text/plain", JSON.stringify({ trellis: "steps", steps }, null, 2));
      e.preventDefault();
    };
    // Steps copied in another plan (or tab) arrive only through the system clipboard.
    const onPaste = (e: ClipboardEvent) => {
      if (isEditable(e.target) || store.getState().dialog || store.getState().clipboard.length) return;
      const text = e.clipboardData?.getData("text/plain");
      if (!text) return;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return;
      }
      const clip = Clip.safeParse(raw);
      if (!clip.success) return;
      e.preventDefault();
      store.getState().actions.paste(clip.data.steps);
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [store]);
}
