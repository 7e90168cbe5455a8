/** What the browser needs to sign in; served as /console/config.json. No imports: the browser reads this type. */
export interface ConsoleConfig {
  clientId: string;
  authorizeUrl: string;
  tokenUrl: string;
  logoutUrl: string;
}
