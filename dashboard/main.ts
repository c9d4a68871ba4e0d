/**
 * The dashboard's entry: asks the server what to show (first run, login, a shared link, or
 * a logged-in user) and draws the page the path names. Skeleton: pages/ and site-view/
 * fill it in.
 * @module
 */
import './app.css';
