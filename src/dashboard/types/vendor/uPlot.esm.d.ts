// Types of the uPlot build the dashboard loads as /dashboard/vendor/uPlot.esm.js (served from node_modules/uplot).
import uPlot from 'uplot';
export default uPlot;
