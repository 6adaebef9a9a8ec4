// The site's table widget: Tabulator with only the modules the site uses (formatting,
// sorting, filtering, paging, column resizing, tooltips). esbuild tree-shakes the rest.
import {
  Tabulator, FormatModule, SortModule, FilterModule, PageModule, ResizeColumnsModule,
  TooltipModule, InteractionModule,
} from "tabulator-tables";

Tabulator.registerModule([FormatModule, SortModule, FilterModule, PageModule,
  ResizeColumnsModule, TooltipModule, InteractionModule]);

window.AsnatlasTabulator = Tabulator;
