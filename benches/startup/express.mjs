// The peer of the start-up benchmark: Microsoft's @azure/web-pubsub-express upstream handler on
// express, as a Node serverless Socket.IO app would start it: the handler for hub `hub` at the same
// webhook path, plus `/readyz`. Port from PORT.
import express from "express";
import { WebPubSubEventHandler } from "@azure/web-pubsub-express";

const handler = new WebPubSubEventHandler("hub", {
  path: "/runtime/webhooks/socketio",
  handleUserEvent: (req, res) => res.success("ok", "text"),
});
const app = express();
app.use(handler.getMiddleware());
app.get("/readyz", (_req, res) => res.json({ status: "ready" }));
app.listen(Number(process.env.PORT), "127.0.0.1");
