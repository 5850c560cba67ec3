import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiProvider } from "./api/api-provider";
import { App } from "./app";
import { I18nProvider } from "./i18n/i18n";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <ApiProvider>
        <App />
      </ApiProvider>
    </I18nProvider>
  </StrictMode>,
);
