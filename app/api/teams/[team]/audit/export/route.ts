// Export of the (filtered) audit log as CSV or JSON, for Owners and Admins. The log never holds a value.
import { NextResponse, type NextRequest } from "next/server";
import { exportAuditEvents } from "@/lib/dal/audit";
import { failureResponse, NO_STORE, unauthenticatedResponse } from "@/lib/route-handler";
import { actorOf, currentUser } from "@/lib/session";
import { ZAuditQuery } from "@/lib/validation/audit";
import type { TAuditEventDTO } from "@/lib/types/audit";

const COLUMNS: (keyof TAuditEventDTO)[] = ["createdAt", "actor", "action", "targetType", "target", "version", "details", "ip", "userAgent"];

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function GET(req: NextRequest, { params }: { params: Promise<{ team: string }> }) {
  const user = await currentUser();
  if (!user) return unauthenticatedResponse();
  const { team } = await params;
  const format = req.nextUrl.searchParams.get("format") === "json" ? "json" : "csv";
  const query = ZAuditQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  try {
    const { team: t, events } = await exportAuditEvents(actorOf(user), team, query);
    const stamp = new Date().toISOString().slice(0, 10);
    const filename = `audit-${t.slug}-${stamp}.${format}`;
    const body =
      format === "json"
        ? JSON.stringify({ team: t.name, exportedAt: new Date().toISOString(), events }, null, 2)
        : [COLUMNS.join(","), ...events.map((e) => COLUMNS.map((c) => csvCell(e[c])).join(","))].join("\r\n") + "\r\n";
    return new NextResponse(body, {
      headers: {
        "Content-Type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename}"`,
        ...NO_STORE,
      },
    });
  } catch (err) {
    return failureResponse("GET audit export", err);
  }
}
