interface Props {
  title: string;
  purpose: string;
  arrives: readonly string[];
  meanwhile: string;
}

/** A section whose feature is not built yet: it says what will be here, and shows no invented data. */
export function PlannedSection({ title, purpose, arrives, meanwhile }: Props) {
  const id = `${title.toLowerCase()}-heading`;
  return (
    <section className="view" aria-labelledby={id}>
      <h1 id={id}>{title}</h1>
      <p className="lead">{purpose}</p>
      <div className="planned">
        <h2>What this section will hold</h2>
        <ul>
          {arrives.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
        <p className="hint">{meanwhile}</p>
      </div>
    </section>
  );
}
