import { PageHeader } from "../../components/PageHeader";

export function PlaygroundPage() {
  return <PageHeader title="PlaygroundPage" subtitle="Not built yet." />;
}
