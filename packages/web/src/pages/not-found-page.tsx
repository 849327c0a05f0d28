import { Link } from 'wouter';

export function NotFoundPage() {
  return (
    <div className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Go to the dashboard</Link>
      </p>
    </div>
  );
}
