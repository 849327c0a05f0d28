export interface Tab<K extends string> {
  key: K;
  label: string;
  count?: number;
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
          {tab.count !== undefined && <span className="tab-count">{tab.count}</span>}
        </button>
      ))}
    </div>
  );
}
