/**
 * @confab/chat-ui — React components of the app: the live conversation view (message list with
 * safe markdown, composer, typing indicator, connection status, error alert) and the small
 * interactive pieces of the pages (auth form, header, start-thread and sign-out buttons).
 * Browser-side only: nothing here may import @confab/auth.
 */
export { Conversation } from './src/Conversation';
export type { ConversationProps } from './src/Conversation';
export { MessageList } from './src/MessageList';
export type { MessageListProps } from './src/MessageList';
export { MessageItem } from './src/MessageItem';
export type { MessageItemProps } from './src/MessageItem';
export { Markdown } from './src/Markdown';
export { Composer } from './src/Composer';
export type { ComposerProps } from './src/Composer';
export { TypingIndicator } from './src/TypingIndicator';
export { ConnectionStatus } from './src/ConnectionStatus';
export type { ConnectionStatusProps } from './src/ConnectionStatus';
export { ErrorAlert } from './src/ErrorAlert';
export type { ErrorAlertProps } from './src/ErrorAlert';
export { AuthForm } from './src/AuthForm';
export type { AuthFormProps } from './src/AuthForm';
export { LocalTime } from './src/LocalTime';
export { SignInLink } from './src/SignInLink';
export { SignOutButton } from './src/SignOutButton';
export { StartThreadButton } from './src/StartThreadButton';
export { DeleteThreadButton } from './src/DeleteThreadButton';
export { SiteHeader } from './src/SiteHeader';
export { FocusAfterNavigation } from './src/FocusAfterNavigation';
export type { HeaderViewer } from './src/SiteHeader';
export { safeNextPath } from './src/api-client';
export {
  connectionWords,
  counterText,
  errorText,
  OFFLINE_TEXT,
  rateLimitText,
  statusNote,
  typingText,
} from './src/words';
export type { AuthMode } from './src/auth-form-validation';
