import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorBanner } from './error-banner.tsx';

interface ErrorBoundaryProps {
  /** Changing it (the location) clears a caught error, so navigating away recovers. */
  resetKey: string;
  children: ReactNode;
}

/**
 * The last line of defence: an error while rendering a page shows as an error banner in the
 * layout instead of unmounting the whole app (React leaves a blank page otherwise).
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { error: unknown; resetKey: string }> {
  constructor(props: ErrorBoundaryProps) {
    super(props);
    this.state = { error: null, resetKey: props.resetKey };
  }

  static getDerivedStateFromError(error: unknown): Partial<{ error: unknown }> {
    return { error };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: { error: unknown; resetKey: string }) {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('The page failed to render', error, info.componentStack);
  }

  render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div data-testid="page-error">
        <ErrorBanner error={this.state.error} />
      </div>
    );
  }
}
