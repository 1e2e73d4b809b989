/** The `thinking` parameter is a gateway rule (checked for every provider); adapters read the budget here. */
export { thinkingOf, type Thinking } from "../../gateway/thinking.js";
