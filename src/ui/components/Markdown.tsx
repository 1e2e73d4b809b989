/**
 * Model output as Markdown (GitHub flavour: tables, task lists, strikethrough). Raw HTML
 * in the text is shown as text, never rendered, so a reply cannot inject markup; links
 * open in a new tab without a referrer.
 */
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noreferrer noopener">
              {children}
            </a>
          ),
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
