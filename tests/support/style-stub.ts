/** Jest stand-in for CSS imports: components only need the module to exist. */
const styles: Record<string, string> = {};
export default styles;
