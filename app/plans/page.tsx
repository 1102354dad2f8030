import { redirect } from "next/navigation";

/** The plans are listed on the home page: /plans goes there. */
export default function PlansPage(): never {
  redirect("/#plans");
}
