import { PageHeader } from "../../components/PageHeader";

export function EndpointsPage() {
  return <PageHeader title="EndpointsPage" subtitle="Not built yet." />;
}
