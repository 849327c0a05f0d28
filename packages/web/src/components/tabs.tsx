export interface Tab<K extends string> {
  key: K;
  label: string;
  /** A number, or a few words (`2 pending`); `tone: 'attention'` marks it as waiting for someone. */
  count?: number | string;
  tone?: 'attention';
}

/** A row of tabs; the page decides where the selection lives (the prompt page keeps it in `?tab=`). */
export function Tabs<K extends string>({ tabs, selected, onSelect }: { tabs: Tab<K>[]; selected: K; onSelect: (key: K) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((tab) => (
        <button
          key={tab.key}
          type="button"
          role="tab"
          aria-selected={tab.key === selected}
          className={tab.key === selected ? 'tab active' : 'tab'}
          onClick={() => onSelect(tab.key)}
          data-testid={`tab-${tab.key}`}
        >
          {tab.label}
          {tab.count !== undefined && (
            <span className={tab.tone === 'attention' ? 'tab-count tab-count-attention' : 'tab-count'} data-testid={`tab-${tab.key}-count`}>
              {tab.count}
            </span>
          )}
        </button>
      ))}
    </div>
  );
}
