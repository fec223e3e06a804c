import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * Markdown as a ticket system shows it. Its own module, loaded when a preview is first shown, so the
 * renderer (a third of the UI's code) is neither parsed at launch nor held by an app that never opens
 * Reports. react-markdown builds React elements and never HTML from the text: markup a server put in its
 * reply stays text, and link URLs other than http(s), mailto and relative ones are dropped.
 */
export default function RenderedMarkdown({ markdown }: { markdown: string }) {
  return <Markdown remarkPlugins={[remarkGfm]}>{markdown}</Markdown>;
}
