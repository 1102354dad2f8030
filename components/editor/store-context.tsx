"use client";
/** The mounted editor's store, handed down by context; components select the slice they need. */
import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { EditorActions, EditorState, EditorStore } from "./editor-store";

const StoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider({ store, children }: { store: EditorStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useEditorStore(): EditorStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useEditorStore is used outside <EditorStoreProvider>");
  return store;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}

export function useActions(): EditorActions {
  return useEditor((s) => s.actions);
}
