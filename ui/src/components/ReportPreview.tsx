import { Suspense, lazy, useState } from "react";

const RenderedMarkdown = lazy(() => import("./RenderedMarkdown"));

/** The report as a ticket system shows it (rendered), or as the Markdown that "Copy for ticket" copies. */
export function ReportPreview({ markdown }: { markdown: string }) {
  const [showMarkdown, setShowMarkdown] = useState(false);
  return (
    <>
      <div className="preview-header">
        <h2 id="preview-heading">Preview</h2>
        <div className="toggle" role="group" aria-label="Preview as">
          <button type="button" id="preview-rendered" aria-pressed={!showMarkdown} onClick={() => { setShowMarkdown(false); }}>
            As the ticket shows it
          </button>
          <button type="button" id="preview-markdown" aria-pressed={showMarkdown} onClick={() => { setShowMarkdown(true); }}>
            Markdown (what is copied)
          </button>
        </div>
      </div>
      {showMarkdown ? (
        <pre id="report-preview" className="preview" aria-labelledby="preview-heading">
          {markdown}
        </pre>
      ) : (
        <article id="report-rendered" className="report-rendered" aria-labelledby="preview-heading">
          <Suspense fallback={<p className="hint">Rendering…</p>}>
            <RenderedMarkdown markdown={markdown} />
          </Suspense>
        </article>
      )}
    </>
  );
}
