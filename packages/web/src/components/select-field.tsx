import { useId, type SelectHTMLAttributes } from 'react';

type SelectFieldProps = {
  label: string;
  /** `field` (label above) or `field-inline` (label beside). */
  className?: string;
  labelClassName?: string;
  testId?: string;
} & SelectHTMLAttributes<HTMLSelectElement>;

/**
 * A <select> with a <label for>, not wrapped in its label: a wrapping label's text would include
 * every option ("Versionv4v3v2"), which breaks finding the control by its label.
 */
export function SelectField({ label, className = 'field', labelClassName, testId, children, ...select }: SelectFieldProps) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClassName}>
        {label}
      </label>
      <select id={id} data-testid={testId} {...select}>
        {children}
      </select>
    </div>
  );
}
