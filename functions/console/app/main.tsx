import { render } from 'preact';
import { App } from './app';
// uPlot's own rules in the console's one stylesheet: the chart chunk brings no CSS of its own,
// and the CSP allows no inline style.
import 'uplot/dist/uPlot.min.css';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
